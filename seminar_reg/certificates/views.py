"""A participant downloads their certificate; anyone verifies one by its code."""

from flask import Blueprint, Response, abort, current_app, render_template
from flask_babel import gettext as _

from seminar_reg.certificates import services
from seminar_reg.certificates.pdf import FontsMissing, render_certificate
from seminar_reg.registration.tokens import registration_for_token

bp = Blueprint("certificates", __name__)


@bp.get("/r/<token>/certificate.pdf")
def download(token: str):
    registration = registration_for_token(token)
    certificate = services.certificate_of(registration) if registration else None
    if certificate is None:
        abort(404)
    try:
        pdf = render_certificate(services.content(certificate))
    except FontsMissing:
        current_app.logger.exception("A certificate could not be drawn")
        message = _(
            "Your certificate cannot be made just now. The organisers have been told; "
            "please try again later."
        )
        return render_template("errors/error.html", code=503, message=message), 503
    return Response(
        pdf,
        mimetype="application/pdf",
        headers={
            "Content-Disposition": f'attachment; filename="certificate-{certificate.code}.pdf"'
        },
    )


@bp.get("/verify/<code>")
def verify(code: str):
    certificate = services.by_code(code)
    status = 200 if certificate else 404
    return render_template("certificates/verify.html", certificate=certificate, code=code), status
