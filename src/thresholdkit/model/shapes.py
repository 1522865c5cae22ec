"""The shapes of the mappings the library returns: ``typing.TypedDict`` classes.

A value of one of these types is a plain ``dict`` (what JSON output prints), so the types cost
nothing when the library runs: no conversion, no validation, no copy. Keys follow
``schemas/authority.schema.json`` (the area's data) and the output schemas; each class says
where its wording comes from in the source document. Every text marked *verbatim* is quoted
from the document, with a :class:`Source` saying where it stands.

Import these names from :mod:`thresholdkit.model.objects`. This module is loaded only when a
name is used at run time (annotations in the library name them under ``TYPE_CHECKING``), so a
lookup never pays for creating the classes. It does not use ``from __future__ import
annotations``: real annotations let ``NotRequired`` show at run time (``__required_keys__``)
and are cheaper to create than string ones.
"""

from typing import Literal, NotRequired, TypedDict

# --- enumerations (the schema's enums) --------------------------------------------------

#: An Assessment Framework domain.
Domain = Literal["developmental", "parenting", "family_environment"]
#: A contact's role.
Role = Literal[
    "front_door", "mash", "out_of_hours", "early_help", "police", "helpline", "form", "policy", "website", "other"
]
#: A day of the week in opening hours.
Day = Literal["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
#: The unit of a printed timescale.
Unit = Literal["minutes", "hours", "days", "working_days", "weeks", "months", "years", "same_day"]
#: What a procedure is for.
ProcedureKind = Literal["referral", "early_help", "step_up", "step_down", "escalation", "after_referral", "other"]
#: Why consent is asked about.
Purpose = Literal["early_help", "referral", "information_sharing", "assessment"]
#: Where consent stands.
ConsentState = Literal["given", "refused", "withdrawn", "not_sought"]
#: What a consent rule says to do.
Decision = Literal[
    "seek_consent", "proceed", "proceed_without_consent", "do_not_proceed", "professional_judgement", "inform", "record"
]
#: What settled an assessment's level: the matched indicators, or the practitioner's own higher level.
Basis = Literal["indicators", "practitioner_level"]
#: What kind of guidance the document gives on deciding.
GuidanceKind = Literal[
    "accumulation",
    "professional_judgement",
    "questions",
    "alert_list",
    "warning_signs",
    "protective_factors",
    "harm_factors",
    "significant_harm",
    "contextual_safeguarding",
    "services",
    "special_circumstances",
    "information_sharing",
    "early_help",
    "other",
]
#: A case fact that indicators' conditions can test (see :mod:`thresholdkit.model.case`).
FactName = Literal[
    "age", "attendance_percent", "school_phase", "gestation_weeks", "homeless", "sexually_active", "pregnant"
]
#: A condition's comparison.
Op = Literal["lt", "le", "gt", "ge", "eq", "between", "in"]


# --- wording and where it stands --------------------------------------------------------


class Source(TypedDict, total=False):
    """Where a text stands in the document; at least one key is present.

    - ``section``: the section as printed (``"Section 9: Identifying need table"``).
    - ``table``: the table's title, where the text is in a table.
    - ``heading``: the heading (or column and row headings) above the text.
    - ``page``: the printed page number, as a string.
    """

    section: str
    table: str
    heading: str
    page: str


class Quote(TypedDict):
    """A verbatim passage: ``text`` exactly as printed, and its ``source``."""

    text: str
    source: Source


class Note(TypedDict):
    """A data maintainer's note on how the document was encoded (not a quote): ``text``, and
    ``about`` (what it concerns: ``"document"``, ``"sources"`` ...)."""

    text: str
    about: NotRequired[str]


# --- the document -----------------------------------------------------------------------


class Document(TypedDict):
    """The source document (``Area.document``), as printed on its cover and title pages.

    ``title`` and ``subtitle`` as printed; ``version``, ``date`` and ``review_due`` as printed or
    None where the document prints none, with ``date_iso`` / ``review_due_iso`` (``YYYY-MM`` or
    ``YYYY-MM-DD``) for staleness checks; ``url`` where the document gives its own address;
    ``source_file``, the plain-text conversion the data was copied from; ``changes``, the
    document's own change log (verbatim); ``notes``, maintainers' notes.
    """

    title: str
    source_file: str
    subtitle: NotRequired[str]
    version: NotRequired[str | None]
    date: NotRequired[str | None]
    date_iso: NotRequired[str | None]
    review_due: NotRequired[str | None]
    review_due_iso: NotRequired[str | None]
    url: NotRequired[str | None]
    changes: NotRequired[list[Quote]]
    notes: NotRequired[list[Note]]


class Authority(TypedDict):
    """The partnership that publishes the document: ``id`` (the area id), ``name`` (short,
    e.g. ``"Coventry"``) and ``partnership`` (its full name as printed)."""

    id: str
    name: str
    partnership: str


class Erratum(TypedDict):
    """A place where the document contradicts itself: the ``variants`` (verbatim), the one the
    data ``used``, and the maintainers' ``reason``."""

    id: str
    subject: str
    variants: list[Quote]
    used: str
    reason: str


class Guidance(TypedDict):
    """The document's own words on how to decide (``Area.guidance()``): accumulation of needs,
    professional judgement, questions to ask, lists of children to be alert to ...

    ``kind`` classifies it; ``title`` is the document's heading; ``items`` are verbatim;
    ``levels`` (absent: all) and ``show_with_assess`` say where ``assess`` shows it.
    """

    id: str
    kind: GuidanceKind
    title: str
    items: list[Quote]
    levels: NotRequired[list[int]]
    show_with_assess: NotRequired[bool]


# --- levels -----------------------------------------------------------------------------


class LevelDetail(TypedDict):
    """A further row the document gives for a level (needs, example services, outcome, who
    coordinates ...): the row's ``label`` as printed and its ``items`` (verbatim)."""

    label: str
    items: list[Quote]


class Level(TypedDict):
    """One of the four levels of need (``Area.levels()``, ``Area.level(n)``).

    - ``level``: 1 to 4, the position in the document's continuum of need.
    - ``name``: the short local name (``"Universal"``, ``"Acute"``).
    - ``label``: the level's heading as printed (``"Level 1 - Universal"``).
    - ``definition``: the document's definition of the level (verbatim quotes).
    - ``summary``: the one-line summary where the document prints one.
    - ``details``: further rows the document's level table gives.
    """

    level: int
    name: str
    label: str
    definition: list[Quote]
    summary: NotRequired[Quote]
    details: NotRequired[list[LevelDetail]]


# --- indicators (the data; the library returns them as Indicator objects) ---------------


class Condition(TypedDict, total=False):
    """A checkable condition on a case's facts, encoded from a threshold the indicator prints
    (``"attendance below 95%"``): ``fact`` compared by ``op`` with ``value`` (or ``values`` for
    ``in``, ``min`` and ``max`` for ``between``). ``any`` instead holds alternatives, each a list
    of conditions that must all hold (one bullet with thresholds per school phase)."""

    fact: FactName
    op: Op
    value: float | str | bool
    values: list[float | str]
    min: float
    max: float
    any: list[list["Condition"]]


class Escalation(TypedDict):
    """A higher ``level`` the indicator's own words print for a narrower case, when the case's
    facts meet ``conditions``; ``text`` is those words, verbatim."""

    level: int
    conditions: list[Condition]
    text: str


class IndicatorEntry(TypedDict):
    """One indicator as the data holds it, inside an :class:`IndicatorGroup` (the library
    returns :class:`~thresholdkit.model.objects.Indicator` objects built from these).

    ``id`` is stable and does not encode the level; ``text`` is verbatim; ``source``,
    ``subdomain`` and ``dimensions`` override the group's; ``domain_uncertain`` and ``note``
    flag a domain the layout does not settle; ``skipped_in_source`` names conversion fragments
    (margin text) that stand inside the printed bullet in the source text; ``conditions`` (with
    ``condition_use``) encode printed thresholds; ``concepts`` tag it with the shared vocabulary; ``see_set`` is the
    set the text points to ("refer to CE section").
    """

    id: str
    text: str
    source: NotRequired[Source]
    subdomain: NotRequired[str]
    domain_uncertain: NotRequired[bool]
    note: NotRequired[str]
    skipped_in_source: NotRequired[list[dict[str, str]]]
    conditions: NotRequired[list[Condition]]
    concepts: NotRequired[list[str]]
    condition_use: NotRequired[Literal["sufficient", "qualifies"]]
    dimensions: NotRequired[list[str]]
    see_set: NotRequired[str]
    escalation: NotRequired[Escalation]


class IndicatorGroup(TypedDict):
    """A block of the document's indicator table: one ``level`` and ``domain``, with the
    document's own ``domain_label`` (and ``subdomain``) as printed, the block's ``source`` and
    its ``indicators``."""

    level: int
    domain: Domain
    domain_label: str
    source: Source
    indicators: list[IndicatorEntry]
    subdomain: NotRequired[str]
    dimensions: NotRequired[list[str]]


class IndicatorSet(TypedDict):
    """A named set of indicators (``Area.indicator_sets()``, ``Area.indicator_set(id)``):
    ``main`` is the document's table of indicators; others are separate tools it prints
    (Telford's ``exploitation``).

    ``title`` and ``description`` name it; ``published`` is False where the document publishes
    no indicators, and then ``not_published`` quotes where it says they are; ``levels`` lists
    the levels it covers where not all four; ``groups`` holds the indicators.
    """

    id: str
    title: str
    published: bool
    description: NotRequired[str]
    source: NotRequired[Source]
    not_published: NotRequired[list[Quote]]
    levels: NotRequired[list[int]]
    groups: NotRequired[list[IndicatorGroup]]


# --- contacts ---------------------------------------------------------------------------


class Phone(TypedDict):
    """A telephone number exactly as printed (a string: spacing and leading zero kept), with a
    ``label`` where the document gives one."""

    number: str
    label: NotRequired[str]


class PhoneOption(TypedDict):
    """An option of a phone menu as printed (``option`` ``"3"``: ``"To make a referral"``)."""

    option: str
    text: str


class Window(TypedDict):
    """When a line is open, as printed: ``days`` (None where the document prints times but no
    days), ``start`` and ``end`` as ``HH:MM``; an end at or before the start runs past midnight."""

    days: list[Day] | None
    start: str
    end: str


class Hours(TypedDict):
    """A contact's opening hours: ``text`` as printed and its ``source``; ``windows``, the
    printed times (absent where only words are printed); ``complement_of``, a contact id whose
    closed hours these are (an out-of-hours line); ``bank_holidays``: ``not_printed`` (the
    default), ``open`` or ``closed``."""

    text: str
    source: Source
    windows: NotRequired[list[Window]]
    complement_of: NotRequired[str]
    bank_holidays: NotRequired[Literal["not_printed", "open", "closed"]]


class Contact(TypedDict):
    """Whom to call (``Area.contacts()``, ``Area.contact(id)``), from the document's contacts
    section or wherever it prints a number.

    - ``id``: stable slug; ``name`` as printed; ``role`` (front door, MASH, out of hours ...).
    - ``district``: the part of the area it serves, where the document splits them.
    - ``phone``, ``options`` (a phone menu), ``email``, ``url``: as printed.
    - ``hours``: opening hours (absent where the document prints none).
    - ``notes``: the document's words about the contact (verbatim); ``data_note``: a
      maintainer's note (e.g. that named individuals were left out).
    - ``source``: where the contact is printed.
    """

    id: str
    name: str
    role: Role
    source: Source
    district: NotRequired[str]
    phone: NotRequired[list[Phone]]
    options: NotRequired[list[PhoneOption]]
    email: NotRequired[list[str]]
    url: NotRequired[list[str]]
    hours: NotRequired[Hours]
    notes: NotRequired[list[Quote]]
    data_note: NotRequired[str]
    kind: NotRequired[Literal["service_line", "direct_line_of_post"]]


class ContactStatus(Contact):
    """A contact as ``contacts --at`` gives it: the :class:`Contact` plus whether it is
    ``open`` at that moment (None: the document does not settle it), why (``open_reason``), and
    whether it is the line to ``call`` then."""

    open: NotRequired[bool | None]
    open_reason: NotRequired[str]
    call: NotRequired[bool]


class CallLine(TypedDict):
    """One line to try, in order: its contact ``id``, ``name``, ``phone`` numbers as printed, and
    ``why`` it is offered then."""

    id: str
    name: str
    phone: list[str]
    why: str


class OpeningAdvice(TypedDict):
    """Which line to call at a moment, in UK time: ``at`` (``YYYY-MM-DD HH:MM``, UK local time),
    ``time_zone`` (Europe/London with GMT or BST), ``utc_offset``, ``day``, and
    ``bank_holiday`` (its name, or None); ``call``, the contact ids to call and ``lines``, the same
    lines in the order to try them, each with its numbers and why; ``reasons``, why, each a
    sentence (the document's wording, or a reading labelled as thresholdkit's); ``open`` and
    ``why``, every contact's state (True / False / None for unknown) and its reason, by id."""

    at: str
    time_zone: str
    utc_offset: str
    day: str
    bank_holiday: str | None
    call: list[str]
    lines: list[CallLine]
    reasons: list[str]
    open: dict[str, bool | None]
    why: dict[str, str]


class ContactSelection(TypedDict):
    """The result of selecting contacts by role and time: the ``contacts`` chosen and, when a
    moment was given, the ``advice`` on which line to call then."""

    contacts: list[ContactStatus]
    advice: OpeningAdvice | None


# --- pathway ----------------------------------------------------------------------------


class Step(TypedDict):
    """One step of a pathway or procedure: ``text`` (verbatim) and its ``source``."""

    text: str
    source: Source


class Form(TypedDict):
    """A form the document names (Early Help Assessment, Multi-Agency Referral Form ...):
    ``name`` as printed, the document's ``text`` about it, its ``url`` where printed."""

    name: str
    source: Source
    id: NotRequired[str]
    text: NotRequired[str]
    url: NotRequired[str]


class Timescale(TypedDict):
    """A printed timescale: ``quantity`` (and ``quantity_max`` for a range such as 6-12 weeks)
    in ``unit``, what it ``applies_to``, the verbatim ``text`` and its ``source``."""

    quantity: float
    unit: Unit
    applies_to: str
    text: str
    source: Source
    quantity_max: NotRequired[float]


class LevelPathway(TypedDict):
    """What to do at one level (``Area.level_pathway(n)``), from the document's table of
    responses: ``response`` (verbatim), who leads (``lead``), the ordered ``steps``, ``forms``,
    ``timescales`` and the ids of the ``contacts`` to use. ``note`` is set (and ``response``
    empty) where the document gives no pathway for the level."""

    level: int
    response: list[Quote]
    lead: NotRequired[list[Quote]]
    steps: NotRequired[list[Step]]
    forms: NotRequired[list[Form]]
    timescales: NotRequired[list[Timescale]]
    contacts: NotRequired[list[str]]
    note: NotRequired[str]


class Procedure(TypedDict):
    """A procedure the document sets out (``Area.procedures(level)``): referral, early help,
    step up, step down, escalation, what happens after a referral.

    ``kind`` classifies it; ``title`` is the document's heading; ``levels`` the levels it
    applies to (absent: all); ``steps`` (verbatim, in order), ``forms``, ``timescales`` and the
    ids of its ``contacts``.
    """

    id: str
    kind: ProcedureKind
    title: str
    steps: list[Step]
    levels: NotRequired[list[int]]
    forms: NotRequired[list[Form]]
    timescales: NotRequired[list[Timescale]]
    contacts: NotRequired[list[str]]


class AssessedPathway(LevelPathway):
    """An assessment's pathway: the :class:`LevelPathway` of its level plus the
    ``procedures`` that apply at that level."""

    procedures: list[Procedure]


class EmergencyRoute(TypedDict):
    """The top-level emergency route as the data holds it (``Area.pathway()["emergency"]``):
    the document's ``statement`` (verbatim), the contact id of the 999 line (``police``) and the
    contact ids of the ``referral`` line(s), in-hours first, then out of hours."""

    statement: list[Quote]
    police: str
    referral: list[str]


class Emergency(TypedDict):
    """An assessment's emergency block at the top level (4): ``call`` is always ``"999"``;
    ``text`` says to call it first, then the referral line; ``statement`` is the document's own
    (verbatim); ``police`` and ``referral`` are the :class:`EmergencyRoute`'s contacts, resolved.
    ``at`` (UK time, 'YYYY-MM-DD HH:MM') is set when the route is ordered for a moment
    (``assess --at/--now``): the line(s) to call then come first after 999."""

    call: str
    text: str
    statement: list[Quote]
    police: Contact
    referral: list[Contact]
    text_by: NotRequired[str]
    route: NotRequired[list[str]]
    route_note: NotRequired[str]
    at: NotRequired[str]


class Pathway(TypedDict):
    """The whole pathway (``Area.pathway()``): every level's pathway, the procedures and the
    emergency route."""

    levels: list[LevelPathway]
    procedures: list[Procedure]
    emergency: EmergencyRoute


# --- consent ----------------------------------------------------------------------------


class ConsentWhen(TypedDict, total=False):
    """When a consent rule applies; an absent key matches anything: the ``purpose`` of the
    contact, the ``levels``, where ``consent`` stands, and ``risk_if_sought`` (would seeking
    consent or informing the family put the child at risk of significant harm, or lose
    evidence?)."""

    purpose: list[Purpose]
    levels: list[int]
    consent: list[ConsentState]
    risk_if_sought: bool


class ConsentExceptions(TypedDict):
    """The list a consent text ends by introducing, kept with the text it belongs to: ``lead``,
    the words (verbatim) that end that text and introduce the list (``"unless to do so
    may:"``), and the list's ``items`` in document order (verbatim, each with its source).
    A consent text that ends on a colon or a dangling "unless" always carries them."""

    lead: str
    items: list[Quote]


class ConsentQuote(Quote):
    """A verbatim passage of the consent section (an ``inform`` or ``record`` item, a note):
    ``text``, ``source`` and, where the text ends by introducing a list, its ``exceptions``."""

    exceptions: NotRequired[ConsentExceptions]


class ConsentRule(TypedDict):
    """One rule of the document's consent section (``Area.consent_rules()["rules"]``).

    ``when`` it applies, the ``decision`` it encodes, the ``text`` it encodes (verbatim) and its
    ``source``; ``inform``, whom to inform, and ``record``, what to record and where (verbatim);
    ``exceptions``, where the text ends by introducing a list ("... unless to do so may:"),
    that list (:class:`ConsentExceptions`): part of the rule, shown with it.
    As :func:`thresholdkit.rules.consent.evaluate` returns it, every key is present but
    ``exceptions``, which is there only when the rule has them.
    """

    id: str
    when: ConsentWhen
    decision: Decision
    text: str
    source: Source
    inform: NotRequired[list[ConsentQuote]]
    record: NotRequired[list[ConsentQuote]]
    exceptions: NotRequired[ConsentExceptions]


class ConsentRules(TypedDict):
    """The document's consent section (``Area.consent_rules()``): its ``rules`` in document
    order and its general ``notes`` (verbatim)."""

    rules: list[ConsentRule]
    notes: NotRequired[list[ConsentQuote]]


class ConsentAdvice(TypedDict):
    """Which consent rules apply to a situation (:func:`thresholdkit.rules.consent.evaluate`):
    the situation (``level``, ``purpose``, ``consent``, ``risk_if_sought``; None where not
    stated), the ``decision`` of the most specific rules (None when no rule covers it, or when
    the document does not settle it), ``decision_from``, the ids of the rules it comes from,
    ``decision_note``, thresholdkit's plain statement of why there is no decision (None when
    there is one), the ``rules`` that apply, most specific first, and the section's ``notes``."""

    level: int | None
    purpose: Purpose | None
    consent: ConsentState | None
    risk_if_sought: bool | None
    decision: Decision | None
    decision_from: list[str]
    decision_note: str | None
    rules: list[ConsentRule]
    notes: list[ConsentQuote]


# --- the documents of the lookup commands -----------------------------------------------


class PathwayDocument(TypedDict):
    """``thresholdkit pathway AREA [--level N] -f json``: the ``area`` id, the ``levels``'
    pathways (one level, or all), the ``procedures`` that apply, and the ``emergency`` route."""

    area: str
    emergency_route: Emergency | None
    levels: list[LevelPathway]
    procedures: list[Procedure]
    emergency: EmergencyRoute


class ConsentDocument(ConsentAdvice):
    """``thresholdkit consent AREA --level N ... -f json``: the :class:`ConsentAdvice` with the
    ``area`` id and a ``disclaimer``."""

    area: str
    disclaimer: str


class PluginInfo(TypedDict):
    """The plugin that serves an area: its ``distribution`` and ``version`` (None for a plugin
    given in Python rather than installed)."""

    distribution: str | None
    version: str | None


class AboutDocument(TypedDict):
    """``thresholdkit about AREA -f json``: the ``area`` id, the ``authority``, the source
    ``document``, its ``review_warning`` (None when current), the document's ``errata`` and the
    ``plugin``."""

    area: str
    authority: Authority
    document: Document
    review_warning: str | None
    errata: list[Erratum]
    plugin: PluginInfo


class AssessmentDocument(TypedDict):
    """An assessment's ``document``: the source document's ``title``, ``version``, ``date`` and
    ``review_due`` as printed (None where not printed), and its ``review_warning``."""

    title: str
    version: str | None
    date: str | None
    review_due: str | None
    review_warning: str | None


# --- a case (defined in thresholdkit.model.case; these are its types) -------------------


class Facts(TypedDict, total=False):
    """A case's facts (every one optional); see :data:`thresholdkit.model.case.FACTS` for ranges and
    meaning.

    ``age`` (0-25), ``attendance_percent`` (0-100), ``school_phase`` (``primary`` or
    ``secondary``), ``gestation_weeks`` (0-45), ``homeless``, ``sexually_active``, ``pregnant``.
    """

    age: int
    attendance_percent: float
    school_phase: Literal["primary", "secondary"]
    gestation_weeks: int
    homeless: bool
    sexually_active: bool
    pregnant: bool


class Case(TypedDict, total=False):
    """A checked case (:func:`thresholdkit.model.case.check_case`,
    :func:`thresholdkit.rules.caseinput.merge_case`):
    a mapping in the shape of ``schemas/case.schema.json``, holding only the fields given
    (never null).

    - ``id``: your own reference (string or number; never a child's name).
    - ``area``: the area id.
    - ``set``: the indicator set (absent: ``main``).
    - ``indicators``: indicator ids, each once.
    - ``level``: the practitioner's own level, 1-4.
    - ``facts``: :class:`Facts` matched against indicators' conditions.
    """

    id: str | int
    area: str
    set: str
    indicators: list[str]
    level: int
    facts: Facts
