"""本村设置: the settings the clerk changes, each declared once (STYLE.md point 7).

An ``Option`` says its label, section, type, default and limits; the settings dialog,
the ``settings`` command and the checks are built from these declarations. Values live
in the ``setting`` table under the keys their readers already use (``village``,
``village_doctor``, ``agreement_committee_role``, ``agreement_template``, ``pairing``,
``village_contacts``), so documents, agreements and the pairing load read them as before.
Saving checks every value first and writes them all in one transaction.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from carecenter.errors import FieldError, KnownError, ValidationFailed
from carecenter.rules.fields import Field, FieldType, Section
from carecenter.settings.agreement_template import TEMPLATE_SETTING, load_template
from carecenter.settings.settings_store import VILLAGE, Settings
from carecenter.storage.database import Database

# The keys in the setting table (their readers import the same names).
DOCTOR = "village_doctor"  # {"name", "phone"}
CONTACTS = "village_contacts"  # [{"role", "name", "phone"}, ...]
COMMITTEE_ROLE = "agreement_committee_role"  # "filing" | "witness" | "third_party"
PAIRING = "pairing"  # {"weights": {"red": 3, ...}, "limit": 30}

MAX_CADRES = 8
COMMITTEE_ROLES = (("", "按协议模板文件"), ("filing", "备案:协议交村委会备案"),
                   ("witness", "见证:村委会作为见证单位签章"),
                   ("third_party", "三方:村委会与委托人、受托人共同签署"))


@dataclass(frozen=True)
class Option:
    name: str  # "section.item", e.g. "village.name"
    label: str
    section: str  # the heading it is shown under
    kind: str = "text"  # text | phone | choice | int | file
    default: Any = ""
    choices: tuple[tuple[str, str], ...] = ()
    low: int = 1
    high: int = 0
    max_length: int = 40
    hint: str = ""

    def clean(self, value: Any) -> Any:
        """The value as stored, or a FieldError in Chinese naming this option."""
        if self.kind == "int":
            text = str(value if value is not None else "").strip()
            try:
                number = int(text)
            except ValueError:
                raise FieldError(self.name, f"{self.label}应为整数") from None
            if not self.low <= number <= self.high:
                raise FieldError(self.name, f"{self.label}应在 {self.low}–{self.high} 之间")
            return number
        text = " ".join(str(value or "").split())
        if len(text) > self.max_length:
            raise FieldError(self.name, f"{self.label}太长:最多 {self.max_length} 个字")
        if self.kind == "phone":
            return clean_phone(self.name, self.label, text)
        if self.kind == "choice" and text not in dict(self.choices):
            raise FieldError(self.name, f"{self.label}“{text}”不在可选项中")
        if self.kind == "file" and text:
            try:
                load_template(text)
            except KnownError as e:
                raise FieldError(self.name, e.message) from None
        return text


def clean_phone(name: str, label: str, text: str) -> str:
    """A phone number as the register cleans one (full-width digits, +86, spaces)."""
    return Field(name, label, FieldType.PHONE, _SECTION).clean(text) or ""


_SECTION = Section("settings", "本村设置")
_VILLAGE = "本村"
_PEOPLE = "村医"
_AGREEMENT = "委托协议"
_LOAD = "结对负荷"

OPTIONS: tuple[Option, ...] = (
    Option("village.province", "省(自治区、直辖市)", _VILLAGE, hint="如:湖南省"),
    Option("village.county", "县(市、区)", _VILLAGE,
           hint="如:隆回县;导入台账时据此判断赡养人是否在本县内"),
    Option("village.township", "乡镇", _VILLAGE, hint="如:荷田乡"),
    Option("village.name", "村名", _VILLAGE, hint="如:白竹村;印在协议、联系卡和登记表上"),
    Option("village.committee", "村民委员会名称", _VILLAGE, hint="如:白竹村村民委员会"),
    Option("village.phone", "村委会电话", _VILLAGE, kind="phone"),
    Option("doctor.name", "村医姓名", _PEOPLE, max_length=20),
    Option("doctor.phone", "村医电话", _PEOPLE, kind="phone"),
    Option("agreement.role", "村委会在协议中的角色", _AGREEMENT, kind="choice",
           choices=COMMITTEE_ROLES),
    Option("agreement.template", "协议模板文件", _AGREEMENT, kind="file", max_length=260,
           hint="留空则用程序自带的模板;本村改写的模板(.toml)放在固定位置后在此选择"),
    Option("load.red", "红色对象负荷权重", _LOAD, kind="int", default=3, high=20),
    Option("load.yellow", "黄色对象负荷权重", _LOAD, kind="int", default=2, high=20),
    Option("load.green", "绿色对象负荷权重", _LOAD, kind="int", default=1, high=20),
    Option("load.unassessed", "未评估对象负荷权重", _LOAD, kind="int", default=1, high=20),
    Option("load.limit", "每名帮扶人负荷上限", _LOAD, kind="int", default=30, high=1000,
           hint="超过上限的帮扶人在帮扶人名单中标红,建议结对不会超过它"),
)
BY_NAME = {o.name: o for o in OPTIONS}
SECTIONS = tuple(dict.fromkeys(o.section for o in OPTIONS))


@dataclass(frozen=True)
class Cadre:
    role: str
    name: str
    phone: str


def _get(stored: dict[str, Any], name: str) -> Any:
    option = BY_NAME[name]
    group, item = name.split(".", 1)
    if group == "village":
        value = (stored.get(VILLAGE) or {}).get(item)
    elif group == "doctor":
        value = (stored.get(DOCTOR) or {}).get(item)
    elif name == "agreement.role":
        value = stored.get(COMMITTEE_ROLE)
    elif name == "agreement.template":
        value = stored.get(TEMPLATE_SETTING)
    elif name == "load.limit":
        value = (stored.get(PAIRING) or {}).get("limit")
    else:
        value = ((stored.get(PAIRING) or {}).get("weights") or {}).get(item)
    return option.default if value in (None, "") else value


class Preferences:
    def __init__(self, database: Database) -> None:
        self.settings = Settings(database)

    def _stored(self) -> dict[str, Any]:
        return {key: self.settings.get(key)
                for key in (VILLAGE, DOCTOR, COMMITTEE_ROLE, TEMPLATE_SETTING, PAIRING)}

    def read(self) -> dict[str, Any]:
        """Every option's current value (its default where never set)."""
        stored = self._stored()
        return {o.name: _get(stored, o.name) for o in OPTIONS}

    def cadres(self) -> list[Cadre]:
        items = self.settings.get(CONTACTS, []) or []
        return [Cadre(str(i.get("role", "")), str(i.get("name", "")), str(i.get("phone", "")))
                for i in items if isinstance(i, dict)]

    def clean(self, values: dict[str, Any], cadres: list[Cadre] | None = None
              ) -> tuple[dict[str, Any], list[Cadre] | None]:
        errors: list[FieldError] = []
        unknown = sorted(set(values) - set(BY_NAME))
        if unknown:
            raise KnownError(f"没有这项设置:{'、'.join(unknown)}(可设:{'、'.join(BY_NAME)})")
        clean: dict[str, Any] = {}
        for name, value in values.items():
            try:
                clean[name] = BY_NAME[name].clean(value)
            except FieldError as e:
                errors.append(e)
        kept: list[Cadre] | None = None
        if cadres is not None:
            kept = []
            for row, c in enumerate(cadres, start=1):
                role, name, phone = (" ".join(x.split()) for x in (c.role, c.name, c.phone))
                if not (role or name or phone):
                    continue  # a blank line left in the table
                if not name:
                    errors.append(FieldError("cadres", f"村干部第 {row} 行:姓名不能为空", row))
                try:
                    phone = clean_phone("cadres", f"村干部第 {row} 行的电话", phone)
                except FieldError as e:
                    errors.append(FieldError("cadres", e.message, row))
                if len(role) > 20 or len(name) > 20:
                    errors.append(FieldError("cadres", f"村干部第 {row} 行:职务或姓名太长", row))
                kept.append(Cadre(role, name, phone))
            if len(kept) > MAX_CADRES:
                errors.append(FieldError("cadres", f"联系卡上最多印 {MAX_CADRES} 名村干部"))
        if errors:
            raise ValidationFailed(errors)
        return clean, kept

    def save(self, values: dict[str, Any], cadres: list[Cadre] | None = None) -> None:
        """Check all, then write all in one transaction (nothing half-saved)."""
        clean, kept = self.clean(values, cadres)
        stored = self._stored()
        merged = {o.name: clean.get(o.name, _get(stored, o.name)) for o in OPTIONS}
        village = dict(stored.get(VILLAGE) or {})
        doctor = dict(stored.get(DOCTOR) or {})
        pairing = dict(stored.get(PAIRING) or {})
        weights = dict(pairing.get("weights") or {})
        for name, value in merged.items():
            group, item = name.split(".", 1)
            if group == "village":
                village[item] = value
            elif group == "doctor":
                doctor[item] = value
            elif name == "load.limit":
                pairing["limit"] = value
            elif group == "load":
                weights[item] = value
        pairing["weights"] = weights
        items: dict[str, Any] = {
            VILLAGE: village, DOCTOR: doctor, PAIRING: pairing,
            COMMITTEE_ROLE: merged["agreement.role"] or None,
            TEMPLATE_SETTING: merged["agreement.template"] or None,
        }
        if kept is not None:
            items[CONTACTS] = [{"role": c.role, "name": c.name, "phone": c.phone} for c in kept]
        self.settings.set_many(items)


def describe(values: dict[str, Any], cadres: list[Cadre]) -> list[str]:
    """The settings as lines of text, section by section (for the command line)."""
    lines: list[str] = []
    for section in SECTIONS:
        lines.append(f"【{section}】")
        for o in OPTIONS:
            if o.section != section:
                continue
            value = values[o.name]
            shown = dict(o.choices).get(value, value) if o.kind == "choice" else value
            lines.append(f"  {o.label}({o.name}):{shown if shown not in ('', None) else '(未填)'}")
        if section == _PEOPLE:
            lines.append("【村干部(印在联系卡上)】")
            lines.extend(f"  {c.role} {c.name} {c.phone}".rstrip() for c in cadres)
            if not cadres:
                lines.append("  (未填)")
    return lines
