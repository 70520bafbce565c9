from datetime import datetime
from zoneinfo import ZoneInfo

from flask import current_app
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from wtforms import (
    BooleanField,
    DateTimeLocalField,
    Field,
    IntegerField,
    SelectField,
    StringField,
)
from wtforms.validators import URL, InputRequired, Length, NumberRange, Optional, ValidationError

from seminar_reg.extensions import db
from seminar_reg.forms import (
    EmailAddressField,
    LineField,
    ParagraphsField,
    WebForm,
    country_options,
    enum_select,
    known_country,
    timezone_options,
)
from seminar_reg.seminars.models import (
    CertificateThreshold,
    Seminar,
    SeminarFormat,
    SeminarSession,
    Speaker,
)
from seminar_reg.seminars.services import SeminarDetails, SessionDetails, SpeakerDetails
from seminar_reg.text import SLUG_PATTERN, slugify
from seminar_reg.timezones import NonexistentLocalTime, local_to_utc, utc_to_local

FORMAT_LABELS = {
    SeminarFormat.ONLINE: _l("Online"),
    SeminarFormat.HYBRID: _l("Hybrid (online and on site)"),
    SeminarFormat.ON_SITE: _l("On site"),
}
THRESHOLD_LABELS = {
    CertificateThreshold.SHARE_OF_SESSIONS: _l("Percent of the sessions attended"),
    CertificateThreshold.MINUTES: _l("Minutes attended in all"),
}
_DATETIME_FORMATS = ["%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S"]


def _local_datetime_field(label) -> DateTimeLocalField:
    return DateTimeLocalField(
        label,
        [InputRequired(message=_l("Enter a date and time."))],
        format=_DATETIME_FORMATS,
    )


def _utc(field: Field, tz: ZoneInfo) -> datetime | None:
    """The field's wall-clock time in ``tz`` as a UTC instant; an error on the field if none."""
    try:
        return local_to_utc(field.data, tz)
    except NonexistentLocalTime:
        field.errors.append(
            _("This time does not exist in %(zone)s: the clocks move forward.", zone=tz.key)
        )
        return None


class SeminarForm(WebForm):
    title = LineField(_l("Title"), [InputRequired(message=_l("Enter a title."))])
    slug = StringField(
        _l("Short address"),
        [Length(max=80)],
        filters=[lambda v: (v or "").strip().lower()],
        description=_l("Letters a–z, digits and hyphens; made from the title when left empty."),
    )
    description = ParagraphsField(_l("Description"))
    format = enum_select(_l("Format"), SeminarFormat, FORMAT_LABELS)
    venue = LineField(_l("Venue"), description=_l("For hybrid and on-site seminars."))
    timezone = SelectField(
        _l("Time zone of the programme"),
        choices=timezone_options,
        default="UTC",
    )
    registration_opens_at = _local_datetime_field(_l("Registration opens"))
    registration_closes_at = _local_datetime_field(_l("Registration closes"))
    capacity = IntegerField(
        _l("Capacity"),
        [Optional(), NumberRange(min=1, max=1_000_000)],
        description=_l("Most confirmed participants; leave empty for no limit."),
    )
    contact_email = EmailAddressField(
        _l("Contact address"),
        [InputRequired()],
        description=_l("Participants' replies to our emails go here."),
    )
    certificate_threshold_type = enum_select(
        _l("Certificate of attendance for"), CertificateThreshold, THRESHOLD_LABELS
    )
    certificate_threshold_value = IntegerField(
        _l("Threshold"), [InputRequired(), NumberRange(min=1, max=100_000)], default=75
    )
    presence_share = IntegerField(
        _l("Present from (percentage of a session)"),
        [InputRequired(), NumberRange(min=1, max=100)],
        default=50,
        description=_l("Share of a session's length someone must attend to count as present."),
    )
    retention_months = IntegerField(
        _l("Keep personal data for (months after the last session)"),
        [Optional(), NumberRange(min=1, max=120)],
        default=lambda: current_app.config["RETENTION_MONTHS"],
        description=_l(
            "Then names and contact details are erased; the figures of the reports remain."
        ),
    )
    reminders = StringField(
        _l("Reminders before each session"),
        [Length(max=100)],
        default="24, 1",
        description=_l("Hours before the start, separated by commas (24, 1, 0.5); empty for none."),
    )
    public_participant_list = BooleanField(
        _l("Show the list of participants on the seminar's page"),
        description=_l(
            "Only those who agreed to it when registering appear, with name, "
            "institution and country."
        ),
    )

    def __init__(self, *args, seminar: Seminar | None = None, **kwargs):
        super().__init__(*args, obj=seminar, **kwargs)
        self.seminar = seminar
        if seminar is not None and not self.is_submitted():
            self.reminders.data = ", ".join(f"{m / 60:g}" for m in seminar.reminder_offsets)
            # The form shows and takes wall-clock times of the seminar's zone, not UTC.
            for name in ("registration_opens_at", "registration_closes_at"):
                self[name].data = utc_to_local(getattr(seminar, name), seminar.zone)

    def validate_slug(self, field):
        slug = field.data or slugify(self.title.data or "")
        if not slug:
            raise ValidationError(
                _l("Enter a short address in Latin letters; the title gives none.")
            )
        if not SLUG_PATTERN.match(slug):
            raise ValidationError(_l("Use only letters a–z, digits and single hyphens."))
        taken = db.session.execute(
            db.select(Seminar.id).where(Seminar.slug == slug)
        ).scalar_one_or_none()
        if taken is not None and (self.seminar is None or taken != self.seminar.id):
            raise ValidationError(_l("Another seminar has this address already."))
        field.data = slug

    def validate_reminders(self, field):
        offsets = []
        for part in (p.strip() for p in (field.data or "").replace(";", ",").split(",")):
            if not part:
                continue
            try:
                hours = float(part.replace("h", ""))
            except ValueError:
                raise ValidationError(
                    _("“%(value)s” is not a number of hours.", value=part)
                ) from None
            if not 0 < hours <= 14 * 24:
                raise ValidationError(
                    _l("A reminder goes between a few minutes and 14 days before the session.")
                )
            offsets.append(round(hours * 60))
        self.reminder_minutes = tuple(sorted(set(offsets), reverse=True))

    def validate_certificate_threshold_value(self, field):
        share = self.certificate_threshold_type.data == CertificateThreshold.SHARE_OF_SESSIONS
        if share and field.data is not None and field.data > 100:
            raise ValidationError(_l("A share of sessions is at most 100 percent."))

    def validate(self, extra_validators=None) -> bool:
        if not super().validate(extra_validators):
            return False
        tz = ZoneInfo(self.timezone.data)
        self.opens_utc = _utc(self.registration_opens_at, tz)
        self.closes_utc = _utc(self.registration_closes_at, tz)
        if self.opens_utc and self.closes_utc and self.closes_utc <= self.opens_utc:
            self.registration_closes_at.errors.append(_l("Registration must close after it opens."))
        return not self.errors

    def details(self) -> SeminarDetails:
        return SeminarDetails(
            title=self.title.data,
            slug=self.slug.data,
            description=self.description.data,
            format=self.format.data,
            venue=self.venue.data,
            timezone=self.timezone.data,
            registration_opens_at=self.opens_utc,
            registration_closes_at=self.closes_utc,
            capacity=self.capacity.data,
            contact_email=self.contact_email.data,
            certificate_threshold_type=self.certificate_threshold_type.data,
            certificate_threshold_value=self.certificate_threshold_value.data,
            public_participant_list=self.public_participant_list.data,
            reminder_offsets=self.reminder_minutes,
            presence_share=self.presence_share.data,
            retention_months=self.retention_months.data or current_app.config["RETENTION_MONTHS"],
        )


class SessionForm(WebForm):
    title = LineField(_l("Title"), [InputRequired(message=_l("Enter a title."))])
    theme = LineField(_l("Theme"), max_length=200, description=_l('e.g. "Greening TVET"'))
    description = ParagraphsField(_l("Description"))
    starts_at = _local_datetime_field(_l("Starts"))
    ends_at = _local_datetime_field(_l("Ends"))
    join_url = StringField(
        _l("Join link"),
        [Optional(), Length(max=2000), URL(message=_l("Enter a full link starting with https://"))],
        filters=[lambda v: (v or "").strip()],
        description=_l("Shown only to registered participants."),
    )
    capacity = IntegerField(
        _l("Capacity"),
        [Optional(), NumberRange(min=1, max=1_000_000)],
        description=_l("Leave empty when only the seminar's capacity applies."),
    )

    def __init__(self, seminar: Seminar, *args, session: SeminarSession | None = None, **kwargs):
        super().__init__(*args, obj=session, **kwargs)
        self.seminar = seminar
        if session is not None and not self.is_submitted():
            for name in ("starts_at", "ends_at"):
                self[name].data = utc_to_local(getattr(session, name), seminar.zone)

    def validate_join_url(self, field):
        if field.data and not field.data.lower().startswith(("https://", "http://")):
            raise ValidationError(_l("Enter a full link starting with https://"))

    def validate(self, extra_validators=None) -> bool:
        if not super().validate(extra_validators):
            return False
        self.starts_utc = _utc(self.starts_at, self.seminar.zone)
        self.ends_utc = _utc(self.ends_at, self.seminar.zone)
        if self.starts_utc and self.ends_utc and self.ends_utc <= self.starts_utc:
            self.ends_at.errors.append(_l("A session must end after it starts."))
        return not self.errors

    def details(self) -> SessionDetails:
        return SessionDetails(
            title=self.title.data,
            theme=self.theme.data,
            description=self.description.data,
            starts_at=self.starts_utc,
            ends_at=self.ends_utc,
            join_url=self.join_url.data,
            capacity=self.capacity.data,
        )


class SpeakerForm(WebForm):
    name = LineField(_l("Name"), [InputRequired(message=_l("Enter a name."))], max_length=200)
    title = LineField(_l("Function"), max_length=200, description=_l('e.g. "Vice President"'))
    organisation = LineField(_l("Organisation"))
    country = SelectField(_l("Country"), [known_country], choices=country_options(_l("—")))
    presentation_title = LineField(_l("Presentation"))

    def __init__(self, *args, speaker: Speaker | None = None, **kwargs):
        super().__init__(*args, obj=speaker, **kwargs)

    def details(self) -> SpeakerDetails:
        return SpeakerDetails(
            name=self.name.data,
            title=self.title.data,
            organisation=self.organisation.data,
            country=self.country.data or None,
            presentation_title=self.presentation_title.data,
        )


class AddOrganiserForm(WebForm):
    organiser_id = SelectField(_l("Organiser"), coerce=int, validate_choice=True)
