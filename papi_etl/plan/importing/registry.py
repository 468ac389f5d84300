"""The units and groups of a draft plan, made from the bodies its document names.

A unit's code and name come from the dictionary and the issuer: "Phòng Nội vụ quận" in the
plan of Ủy ban nhân dân quận Bình Tân is unit PNV, "Phòng Nội vụ quận Bình Tân"; a ward
named in full ("Ủy ban nhân dân phường An Lạc A") is unit ALA; a collective name is a
group ("các cơ quan chuyên môn": agencies; "Ủy ban nhân dân 10 phường": wards).
"""

from __future__ import annotations

from typing import Any

from papi_etl.plan.importing.bodies import Mention, Stands, Tier, ascii_code
from papi_etl.plan.importing.vocabulary import searchable
from papi_etl.plan.model import UnitKind

_KIND_ORDER = list(UnitKind)


def _capitalised(text: str) -> str:
    return text[:1].upper() + text[1:]


class Registry:
    def __init__(self, tier: Tier) -> None:
        self.tier = tier
        self.units: dict[str, dict[str, Any]] = {}  # by mention key
        self.groups: dict[str, dict[str, Any]] = {}  # by mention key
        self.counts: dict[str, int] = {}  # group code -> number the text gives ("10 phường")
        self._codes: set[str] = set()

    def _code(self, wanted: str) -> str:
        code, suffix = wanted, 2
        while code.upper() in self._codes:
            code, suffix = f"{wanted}{suffix}", suffix + 1
        self._codes.add(code.upper())
        return code

    def ref(self, mention: Mention) -> str:
        """The unit or group code that stands for an assignable mention (registered once)."""
        key = mention.key
        if key in self.units:
            return self.units[key]["code"]
        if key in self.groups:
            code = self.groups[key]["code"]
            if mention.stands is Stands.LOCAL_GROUP and mention.count and code not in self.counts:
                # "Ủy ban nhân dân 10 phường" names the group better than "... phường".
                self.groups[key]["name"] = self._local_group_name(mention)
                self.counts[code] = mention.count
            return code
        entry = mention.entry
        assert entry is not None and mention.stands.assignable
        if mention.stands is Stands.UNIT:
            level = f"{self.tier.level_word} {self.tier.place}"
            self.units[key] = {
                "code": self._code(entry.code or ascii_code(entry.name)),
                "name": _capitalised(f"{entry.name} {level}"),
                "short_name": _capitalised(f"{entry.name} {self.tier.level_word}"),
                "kind": (entry.kind or UnitKind.AGENCY).value,
                "named_in_plan": True,
            }
            return self.units[key]["code"]
        if mention.stands is Stands.LOCAL_UNIT:
            word = mention.level.word if mention.level else ""
            self.units[key] = {
                "code": self._code(ascii_code(mention.place or "")),
                "name": f"Ủy ban nhân dân {word} {mention.place}",
                "short_name": _capitalised(f"{word} {mention.place}"),
                "kind": UnitKind.WARD.value,
                "named_in_plan": True,
            }
            return self.units[key]["code"]
        if mention.stands is Stands.LOCAL_GROUP and mention.level is not None:
            code = self._code(mention.level.group_code)
            name = self._local_group_name(mention)
            self.groups[key] = {"code": code, "name": name, "kinds": ["ward"]}
            if mention.count:
                self.counts[code] = mention.count
            return code
        base = mention.surface
        if mention.level_text and base.endswith(mention.level_text):
            base = base[: -len(mention.level_text)].strip()
        base = base[4:] if searchable(base).startswith("các ") else base
        self.groups[key] = {
            "code": self._code(entry.group or entry.key),
            "name": f"Các {base} thuộc {self.tier.level_word}",
            "kinds": [kind.value for kind in entry.kinds],
        }
        return self.groups[key]["code"]

    @staticmethod
    def _local_group_name(mention: Mention) -> str:
        text = mention.level_text or (mention.level.word if mention.level else "")
        if not text.split()[0].isdigit() and not text.startswith("các"):
            text = f"các {text}"
        return f"Ủy ban nhân dân {text}"

    def refs(self, mentions: list[Mention]) -> list[str]:
        codes: list[str] = []
        for mention in mentions:
            code = self.ref(mention)
            if code not in codes:
                codes.append(code)
        return codes

    def label(self, code: str) -> str:
        """A unit's short name or a group's name, for the notes."""
        for unit in self.units.values():
            if unit["code"] == code:
                return unit["short_name"]
        for group in self.groups.values():
            if group["code"] == code:
                name = group["name"]
                return name[:1].lower() + name[1:] if name.startswith("Các ") else name
        return code

    def labels(self, codes: list[str]) -> str:
        return ", ".join(self.label(code) for code in codes)

    def unit_list(self) -> list[dict[str, Any]]:
        """The units in the schema's kind order (wards, agencies, service units, the Front)."""
        return sorted(self.units.values(), key=lambda u: _KIND_ORDER.index(UnitKind(u["kind"])))

    def group_list(self) -> list[dict[str, Any]]:
        return list(self.groups.values())

    def kinds_present(self) -> set[str]:
        return {unit["kind"] for unit in self.units.values()}
