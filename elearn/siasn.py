"""SIASN's course types (jenisDiklatId) and the jenisKursusSertipikat each implies: instance data
(SIASN_COURSE_TYPES), read by the course's Penyelenggara page and the SIASN course records."""

from flask import current_app

NO_KIND = "\u2013"  # shown where a type carries no jenisKursusSertipikat


def course_types():
    """{type id: (name, certificate kind)}, by id. Keys may come as text from the environment
    (ELEARN_SIASN_COURSE_TYPES is JSON): they are read as numbers."""
    types = current_app.config["SIASN_COURSE_TYPES"] or {}
    out = {}
    for key, value in types.items():
        name, kind = [*value, "", ""][:2]
        out[int(key)] = (str(name), str(kind or ""))
    return dict(sorted(out.items()))


def type_label(type_id, types=None):
    """'3 · Diklat Teknis (T)', with a dash where the type carries no certificate kind."""
    types = course_types() if types is None else types
    name, kind = types.get(type_id, ("?", ""))
    return f"{type_id} · {name} ({kind or NO_KIND})"


class CourseCodes:
    """The (jenisDiklatId, jenisKursusSertipikat) of a course record from the course's own type
    (None: the instance's default), computed once per export."""

    def __init__(self):
        cfg = current_app.config
        self.types = course_types()
        self.default_type = int(cfg["SIASN_JENIS_DIKLAT_ID"])
        self.fixed_kind = cfg.get("SIASN_JENIS_KURSUS_SERTIPIKAT")

    def __call__(self, type_id):
        type_id = type_id or self.default_type
        if self.fixed_kind is not None:
            return type_id, self.fixed_kind
        return type_id, self.types.get(type_id, ("", ""))[1]
