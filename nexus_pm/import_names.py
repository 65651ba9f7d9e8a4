"""The names real postmortems give their sections, in English and other languages, and the
keywords that place a heading the table does not name."""

from __future__ import annotations

import re
import unicodedata

# Headings and section names compare without case, emoji, numbering or punctuation.
_NUMBERING = re.compile(r"^(\d+[.)]|[ivx]+[.)])\s+")
_PARENS = re.compile(r"\s*[(\[][^()\[\]]*[)\]]")

# The names real postmortems give their sections, normalized, and what each holds.
NAMES: dict[str, str] = {
    **dict.fromkeys(
        ["summary", "overview", "executive summary", "tl;dr", "tldr", "incident summary"],
        "summary",
    ),
    **dict.fromkeys(
        [
            "impact",
            "incident impact",
            "severity & impact",
            "severity and impact",
            "customer impact",
            "user impact",
            "business impact",
        ],
        "impact",
    ),
    **dict.fromkeys(
        [
            "timeline",
            "incident timeline",
            "timeline of events",
            "event timeline",
            "sequence of events",
            "chronology",
        ],
        "timeline",
    ),
    **dict.fromkeys(
        [
            "root cause",
            "root causes",
            "root cause analysis",
            "root cause and analysis",
            "cause",
            "causes",
            "fault",
            "leadup",
            "lead-up",
            "lead up",
        ],
        "cause",
    ),
    **dict.fromkeys(["contributing factors", "contributing factor"], "contributing"),
    **dict.fromkeys(["trigger", "triggers"], "trigger"),
    **dict.fromkeys(["five whys", "5 whys", "the five whys"], "whys"),
    **dict.fromkeys(["detection", "how it was detected", "how was it detected"], "detection"),
    **dict.fromkeys(
        [
            "resolution",
            "recovery",
            "response",
            "resolution and recovery",
            "mitigation",
            "implementation",
        ],
        "resolution",
    ),
    **dict.fromkeys(
        [
            "action items",
            "action item",
            "corrective actions",
            "corrective action",
            "remediation",
            "remediations",
            "follow-ups",
            "follow ups",
            "followups",
            "follow-up actions",
            "next steps",
            "action plan",
            "actions",
        ],
        "actions",
    ),
    **dict.fromkeys(
        [
            "lessons learned",
            "lessons learnt",
            "lessons",
            "insights",
            "key learnings",
            "learnings",
            "takeaways",
            "key takeaways",
        ],
        "lessons",
    ),
    **dict.fromkeys(["what went well", "things that went well"], "went_well"),
    **dict.fromkeys(
        [
            "what went wrong",
            "what went poorly",
            "what went badly",
            "what went wrong or poorly",
            "what could have gone better",
            "things that went wrong",
        ],
        "went_wrong",
    ),
    **dict.fromkeys(["where we got lucky", "what we got lucky with", "lucky"], "lucky"),
    **dict.fromkeys(
        [
            "symptom",
            "symptoms",
            "errors",
            "error",
            "error output",
            "problem",
            "problem identified",
            "the problem",
        ],
        "symptom",
    ),
    **dict.fromkeys(["prevention", "preventive measures", "preventative measures"], "prevention"),
}


def normalize(title: str) -> str:
    """A heading as the name table compares it: `🎯 2. Root Cause (v2):` -> `root cause`."""
    text = _PARENS.sub("", title.replace("*", "").replace("_", " ").replace("`", ""))
    kept = "".join(
        c if unicodedata.category(c)[0] in "LN" or c in "&'-/ " else " " for c in text.lower()
    )
    kept = _NUMBERING.sub("", " ".join(kept.split()))
    return " ".join(kept.replace("'", "").split()).strip("-/ ")


# Names in other languages, and English ones the table above does not hold, by what each holds.
OTHER_NAMES = {
    "summary": [
        "zusammenfassung",
        "résumé",
        "resumen",
        "resumo",
        "riepilogo",
        "sommario",
        "samenvatting",
        "sammanfattning",
        "incident description",
        "description",
    ],
    "impact": [
        "auswirkungen",
        "auswirkung",
        "impacto",
        "impatto",
        "impact client",
        "gevolgen",
        "påverkan",
    ],
    "timeline": [
        "zeitleiste",
        "zeitablauf",
        "zeitachse",
        "ablauf",
        "chronologie",
        "cronología",
        "cronologia",
        "línea de tiempo",
        "linha do tempo",
        "tijdlijn",
        "tidslinje",
    ],
    "cause": [
        "ursache",
        "ursachen",
        "grundursache",
        "ursachenanalyse",
        "cause racine",
        "cause première",
        "analyse des causes",
        "causa raíz",
        "causa raiz",
        "causa radice",
        "oorzaak",
        "grundorsak",
        "blameless root cause",
    ],
    "detection": ["erkennung", "détection", "detección", "detecção", "rilevamento"],
    "resolution": [
        "lösung",
        "behebung",
        "résolution",
        "resolución",
        "resolução",
        "risoluzione",
        "oplossing",
        "solution",
        "workaround",
        "fix",
        "the fix",
    ],
    "actions": [
        "maßnahmen",
        "massnahmen",
        "aktionspunkte",
        "actions correctives",
        "plan daction",
        "acciones",
        "acciones correctivas",
        "ações",
        "azioni",
        "actiepunten",
        "åtgärder",
        "follow-up tasks",
        "follow-up items",
        "todo",
    ],
    "lessons": [
        "lehren",
        "erkenntnisse",
        "leçons apprises",
        "enseignements",
        "lecciones aprendidas",
        "lições aprendidas",
        "lezioni apprese",
        "geleerde lessen",
        "lärdomar",
        "retrospective",
    ],
    "went_well": [
        "was lief gut",
        "ce qui a bien fonctionné",
        "lo que salió bien",
        "what went right",
        "what worked",
        "what worked well",
    ],
    "went_wrong": [
        "was lief schlecht",
        "ce qui a mal fonctionné",
        "lo que salió mal",
        "what didnt go well",
        "what didnt go so well",
        "what did not go well",
        "what could be improved",
        "what went less well",
        "what didnt work",
        "areas for improvement",
    ],
}
NAMES.update({name: kind for kind, names in OTHER_NAMES.items() for name in names})
# A heading no name matches is placed by the first of these its words hold, in this order:
# "Impact timeline" is a timeline, "Summary of impact" an impact.
KEYWORDS = [
    ("went_well", ("went well", "went right", "worked well")),
    ("went_wrong", ("went wrong", "went poorly", "went badly", "didnt go", "gone better")),
    ("lucky", ("lucky",)),
    ("timeline", ("timeline", "chronolog")),
    ("whys", ("whys",)),
    ("contributing", ("contributing",)),
    ("trigger", ("trigger",)),
    ("cause", ("root cause", "causes", "cause")),
    (
        "actions",
        (
            "action item",
            "follow-up",
            "follow up",
            "followup",
            "corrective",
            "remediation",
            "next steps",
        ),
    ),
    ("lessons", ("lesson", "learning", "takeaway")),
    ("detection", ("detect",)),
    ("resolution", ("resolution", "recovery", "mitigation")),
    ("impact", ("impact",)),
    ("summary", ("summary", "overview")),
]
_KEYWORDS = [
    (kind, re.compile(r"\b(?:" + "|".join(re.escape(w) for w in words) + r")", re.IGNORECASE))
    for kind, words in KEYWORDS
]


def section_kind(title: str) -> str | None:
    """What a section holds, by its heading: the name table first, then its keywords."""
    name = normalize(title)
    if name in NAMES:
        return NAMES[name]
    return next((kind for kind, words in _KEYWORDS if words.search(name)), None)
