"""The API's request and response shapes (marshmallow): flask-smorest reads them into the
OpenAPI document and checks the requests against them."""

from flask_babel import lazy_gettext as _l
from marshmallow import Schema as BaseSchema
from marshmallow import ValidationError, fields
from marshmallow import validate as ma_validate

from ..models.user import EmployeeType
from .pagination import DEFAULT_LIMIT, MAX_LIMIT

# The messages of a refused value, in the request's language (marshmallow's own are English).
COMMON = {
    "required": _l("This field is required."),
    "null": _l("This field may not be null."),
    "validator_failed": _l("Invalid value."),
}


def _no_nul(value):
    if "\x00" in value:
        raise ValidationError(_l("A NUL character is not allowed."))


class Str(fields.String):
    default_error_messages = COMMON | {
        "invalid": _l("Not a valid text."),
        "invalid_utf8": _l("Not a valid text."),
    }

    def _deserialize(self, value, attr, data, **kwargs):
        text = super()._deserialize(value, attr, data, **kwargs)
        _no_nul(text)
        return text


class Int(fields.Integer):
    default_error_messages = COMMON | {"invalid": _l("Not a valid whole number.")}


class Bool(fields.Boolean):
    default_error_messages = COMMON | {"invalid": _l("Not a valid true/false value.")}


class Day(fields.Date):
    default_error_messages = COMMON | {
        "invalid": _l("Not a valid date (YYYY-MM-DD)."),
        "format": _l("Not a valid date (YYYY-MM-DD)."),
    }


class Schema(BaseSchema):
    error_messages = {"unknown": _l("Unknown field."), "type": _l("Invalid input type.")}


class validate:
    """marshmallow's validators with their messages in the request's language."""

    @staticmethod
    def Length(min=None, max=None):
        if min is not None:
            error = _l("Between {min} and {max} characters.")
        else:
            error = _l("At most {max} characters.")
        return ma_validate.Length(min=min, max=max, error=error)

    @staticmethod
    def Range(min, max):
        return ma_validate.Range(min, max, error=_l("From {min} to {max}."))

    @staticmethod
    def OneOf(choices):
        return ma_validate.OneOf(choices, error=_l("One of: {choices}."))


def nullable_str(**kw):
    return Str(allow_none=True, **kw)


# Query arguments ---------------------------------------------------------------------------------
class PageArgs(Schema):
    limit = Int(
        load_default=DEFAULT_LIMIT,
        validate=validate.Range(1, MAX_LIMIT),
        metadata={"description": f"Items per page (1 to {MAX_LIMIT})."},
    )
    cursor = Str(
        load_default=None,
        validate=validate.Length(max=200),
        metadata={"description": "The next_cursor of the previous page."},
    )


class UnitArgs(PageArgs):
    unit = Str(
        load_default=None,
        validate=validate.Length(max=50),
        metadata={"description": "A unit's code: that unit and its sub-units."},
    )


class PeriodArgs(UnitArgs):
    from_ = Day(
        data_key="from",
        load_default=None,
        metadata={"description": "First day (instance time zone), default 1 January."},
    )
    to = Day(load_default=None, metadata={"description": "Last day (included), default today."})


class CompletionArgs(PeriodArgs):
    course = Str(load_default=None, validate=validate.Length(max=100),
                 metadata={"description": "A course's slug."})  # fmt: skip


class EnrolmentArgs(UnitArgs):
    course = Str(load_default=None, validate=validate.Length(max=100),
                 metadata={"description": "A course's slug."})  # fmt: skip


class YearArgs(Schema):
    year = Int(
        load_default=None,
        validate=validate.Range(2000, 2100),
        metadata={"description": "Calendar year, default this year."},
    )


class YearUnitArgs(UnitArgs, YearArgs):
    pass


# Bodies ------------------------------------------------------------------------------------------
class PersonIn(Schema):
    """A person as the HR database sends them; the NIP is in the path."""

    full_name = Str(required=True, validate=validate.Length(1, 200))
    email = Str(required=True, validate=validate.Length(1, 254))
    employee_type = Str(
        load_default=EmployeeType.PNS.value,
        validate=validate.OneOf([t.value for t in EmployeeType]),
    )
    unit = nullable_str(load_default=None, validate=validate.Length(max=50),
                        metadata={"description": "The unit's code."})  # fmt: skip
    position = Str(load_default="", validate=validate.Length(max=200))
    position_kind = Str(load_default="", validate=validate.Length(max=40))
    grade = Str(load_default="", validate=validate.Length(max=10))
    supervisor_nip = nullable_str(load_default=None, validate=validate.Length(max=30))
    active = Bool(load_default=True)


# Responses ---------------------------------------------------------------------------------------
class Page(Schema):
    next_cursor = nullable_str(metadata={"description": "Pass as `cursor` for the next page."})
    next = nullable_str(metadata={"description": "The next page's address, or null at the end."})


class Person(Schema):
    nip = nullable_str()
    full_name = Str()
    email = Str()
    employee_type = Str()
    unit = nullable_str(metadata={"description": "The unit's code."})
    unit_name = nullable_str()
    position = Str()
    position_kind = Str()
    grade = Str()
    supervisor_nip = nullable_str()
    active = Bool()


class PersonPage(Page):
    items = fields.List(fields.Nested(Person))


class PersonSaved(Person):
    created = Bool(metadata={"description": "True when this call added the person."})
    changed = fields.List(Str(), metadata={"description": "The fields this call changed."})


class UnitOut(Schema):
    code = Str()
    name = Str()
    parent = nullable_str(metadata={"description": "The parent unit's code."})


class UnitPage(Page):
    items = fields.List(fields.Nested(UnitOut))


class VersionOut(Schema):
    number = Int()
    label = Str()
    title = Str()
    jp = Int()
    created_at = fields.DateTime()
    published_at = fields.DateTime(allow_none=True)


class CourseOut(Schema):
    slug = Str()
    title = Str()
    jp = Int()
    level = Str()
    language = Str()
    category = Str()
    version = Int(metadata={"description": "The published version's number."})
    siasn_type_id = Int(allow_none=True)
    url = Str()


class CourseDetail(CourseOut):
    versions = fields.List(fields.Nested(VersionOut))


class CoursePage(Page):
    items = fields.List(fields.Nested(CourseOut))


class EnrolmentOut(Schema):
    nip = nullable_str()
    full_name = Str()
    course = Str(metadata={"description": "The course's slug."})
    course_title = Str()
    version = Int()
    source = Str()
    status = Str(metadata={"description": "not_started, in_progress or completed."})
    progress_percent = Int()
    enrolled_at = fields.DateTime()
    last_activity_at = fields.DateTime(allow_none=True)
    completed_at = fields.DateTime(allow_none=True)


class EnrolmentPage(Page):
    items = fields.List(fields.Nested(EnrolmentOut))


class CompletionOut(Schema):
    nip = nullable_str()
    full_name = Str()
    unit_name = nullable_str()
    position = nullable_str()
    course_title = Str()
    jp = Int()
    completed_at = fields.DateTime()
    final_score = fields.Float(allow_none=True)
    enrolled_at = fields.DateTime(allow_none=True)
    certificate_number = nullable_str()


class CompletionPage(Page):
    items = fields.List(fields.Nested(CompletionOut))


class JPOut(Schema):
    nip = nullable_str()
    full_name = Str()
    year = Int()
    target = Int(metadata={"description": "The yearly target (JP)."})
    total = Int()
    courses = Int(metadata={"description": "E-learning courses of this platform."})
    formal = Int(metadata={"description": "Other formal learning."})
    social = Int(metadata={"description": "Coaching, mentoring, communities."})
    workplace = Int(metadata={"description": "Learning at work: projects, assignments."})


class JPPage(Page):
    items = fields.List(fields.Nested(JPOut))


class SiasnRecord(Schema):
    namaKursus = Str()
    jumlahJam = Int()
    tanggalKursus = Str()
    tanggalSelesaiKursus = Str()
    institusiPenyelenggara = Str()
    jenisKursusSertipikat = nullable_str()
    nomorSertipikat = Str()
    instansiId = Str()
    pnsOrangId = Str()
    nip = Str()
    nama = Str()
    jenisDiklatId = fields.Raw(allow_none=True)


class SiasnPage(Page):
    items = fields.List(fields.Nested(SiasnRecord))


class CertificateOut(Schema):
    number = Str()
    nip = nullable_str()
    full_name = Str()
    course = Str(metadata={"description": "The course's slug."})
    course_title = Str()
    version = Int()
    jp = Int()
    completed_at = fields.DateTime()
    issued_at = fields.DateTime()
    revoked_at = fields.DateTime(allow_none=True)
    revoked_reason = nullable_str()
    verify_url = Str()
    credential_url = Str(metadata={"description": "The Open Badges 3.0 credential (JSON)."})


class CertificatePage(Page):
    items = fields.List(fields.Nested(CertificateOut))


class Verification(Schema):
    number = Str()
    status = Str(metadata={"description": "valid or revoked."})
    valid = Bool()
    name = Str()
    nip = nullable_str(metadata={"description": "Masked: only the last four digits."})
    course = Str()
    jp = Int()
    completed_on = Str(metadata={"format": "date"})
    issued_on = Str(metadata={"format": "date"})
    revoked_on = nullable_str(metadata={"format": "date"})
    revoked_reason = nullable_str()
    signature_valid = Bool(
        metadata={"description": "The Open Badges credential's signature checks out."}
    )
    verify_url = Str()


class Problem(Schema):
    """RFC 9457 problem details."""

    type = Str()
    title = Str()
    status = Int()
    detail = Str()
    instance = Str()
    errors = fields.Dict(keys=Str(), values=fields.Raw())
