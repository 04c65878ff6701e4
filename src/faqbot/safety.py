"""Crisis and self-harm detection for visitor messages, and the crisis text the clinic edits."""

from __future__ import annotations

import re
import tomllib
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Literal

Level = Literal["none", "mention", "acute"]
LEVELS: tuple[Level, ...] = ("none", "mention", "acute")
DEFAULT_CRISIS_PATH = Path(__file__).parent / "data" / "crisis.toml"
_MAX_MATCHED = 120  # characters of the matched fragment kept for the staff view

# Cyrillic а е о р с у х і ѕ ј к and Greek ο α ι κ ε pass for Latin; quotes and dashes vary.
_CHARMAP = str.maketrans(
    "\u0430\u0435\u043e\u0440\u0441\u0443\u0445\u0456\u0455\u0458\u043a\u03bf\u03b1\u03b9\u03ba\u03b5",
    "aeopcyxisjkoaike",
) | str.maketrans(
    {
        **dict.fromkeys("\u2018\u2019\u201a\u201b\u2032\u02bc`\u00b4", "'"),
        **dict.fromkeys("\u201c\u201d\u201e\u2033", '"'),
        **dict.fromkeys("\u2010\u2011\u2012\u2013\u2014\u2212", "-"),
        **dict.fromkeys("_/", " "),
    }
)
_DROP = {"Mn", "Me", "Cf"}  # combining marks (accents, variation selectors), zero-width and bidi
_LEET_MAP = dict(zip("013457@$!", "oieastasi", strict=True))
_LEET = re.compile(r"(?<=[a-z])[013457@$]|[013457@$](?=[a-z])|(?<=[a-z])!(?=[a-z])")
_UNKEPT = re.compile(r"[^a-z0-9'*#.,!?;:\s-]+")
_APOSTROPHE_WORDS = {
    "i'm": "i am", "i've": "i have", "i'd": "i would", "i'll": "i will", "won't": "will not",
    "can't": "can not", "ain't": "is not", "what's": "what is", "it's": "it is",
    "that's": "that is",
}  # fmt: skip
_BARE_WORDS = {
    "im": "i am", "ive": "i have", "imma": "i am going to", "ima": "i am going to",
    "wanna": "want to", "wana": "want to", "gonna": "going to", "gunna": "going to",
    "tryna": "trying to", "finna": "going to", "dont": "do not", "doesnt": "does not",
    "didnt": "did not", "isnt": "is not", "wasnt": "was not", "werent": "were not",
    "wouldnt": "would not", "couldnt": "could not", "shouldnt": "should not", "aint": "is not",
    "wont": "will not", "cant": "can not", "cannot": "can not", "whats": "what is",
    "thats": "that is", "noone": "no one",
}  # fmt: skip
_CLITICS = {
    "n't": " not", "'re": " are", "'ve": " have", "'ll": " will", "'d": " would", "'m": " am",
}  # fmt: skip


def _words(table: dict[str, str]) -> re.Pattern[str]:
    return re.compile(r"(?<![\w'])(?:" + "|".join(map(re.escape, table)) + r")(?![\w'])")


_APOSTROPHE_RE, _BARE_RE = _words(_APOSTROPHE_WORDS), _words(_BARE_WORDS)
_CLITIC_RE = re.compile(r"(?<=\w)(?:n't|'re|'ve|'ll|'d|'m)\b")


def normalise(text: str) -> str:
    """Lower-case ASCII-ish text with obfuscations undone, so one rule covers many spellings."""
    s = unicodedata.normalize("NFKC", text).casefold().translate(_CHARMAP)
    if not s.isascii():
        s = unicodedata.normalize("NFKD", s)
        s = "".join(c for c in s if unicodedata.category(c) not in _DROP)
    for _ in range(2):  # twice, so runs like "d13" decode fully
        s = _LEET.sub(lambda m: _LEET_MAP[m.group()], s)
    s = _UNKEPT.sub(" ", s)
    s = _APOSTROPHE_RE.sub(lambda m: _APOSTROPHE_WORDS[m.group()], s)
    s = _CLITIC_RE.sub(lambda m: _CLITICS[m.group()], s).replace("'", "")
    s = _BARE_RE.sub(lambda m: _BARE_WORDS[m.group()], s)
    # newlines stay: they end a clause for "^"/"$", yet patterns step over them like spaces
    s = re.sub(r"[^\S\n]+", " ", s)
    return re.sub(r" ?\n[\s]*", "\n", s).strip()


def _squeeze(s: str) -> str:
    """Runs of one letter become one letter ("diiie" -> "die", "kill" -> "kil")."""
    return re.sub(r"(?<!\\)([a-z])\1+", r"\1", s)


def _masked(word: str) -> str:
    """The word, or it with a letter after the first (two in long words) masked: k*ll, s**cide."""
    alts = [word]
    for i in range(1, len(word)):
        for n in (1, 2) if len(word) > 3 else (1,):
            if i + n <= len(word):
                alts.append(word[:i] + "[*#]+" + word[i + n :])
    return "(?:" + "|".join(alts) + ")"


_STEMS = "suicid|sucid|suicd|suisid|suiscid|suicsid|suecid|suacid|siucid|suesid|suisd|sooicid"
_SUFFIX = "e|es|al|ally|ality|alidad|ial|ale|le|el|io|ios|a|as|ar|arme|arse|aire"
_MACROS = {
    "SUICIDE": f"(?:(?:{_STEMS})(?:{_SUFFIX})?|sewer ?slides?|{_masked('suicide')}|"
    f"{_masked('suicidal')})",
    "KILL": _masked("kill"),
    "DIE": _masked("die"),
    "MYSELF": "(?:my ?self|my ?slef|my ?sefl|mysef|meself)",
    # the visitor as subject; "has been" and "she's been" are someone else
    "ME": r"\b(?:i|been(?<!has been)(?<!s been)|keep|kept|started|start|stop)\b",
    "EOC": r"(?= ?(?:[.!?,;:]|$))",  # end of clause
    "PILLS": r"(?:pills|meds|medications?|tablets|painkillers|opioids|benzos|xanax|ambien|"
    r"tylenol|insulin|ketamine|lozenges|troches|sleeping pills|\w+ pills)",
}
_HARM = (
    r"(?:hurt|hurting|harm|harming|injure|injuring|cut|cutting|burn|burned|burnt|burning|hit|hitting|"
    r"punch|punching|scratch|scratching|starve|starving|mutilate|mutilating|carve|carving)"
)
# "I cut myself shaving" is an accident; \x20, not a space, so a new line is never read as one
_ACCIDENT = (
    r"(?!\x20(?:shaving|cooking|chopping|falling|skiing|running|playing|lifting|working|exercising|"
    r"gardening|hiking|climbing|by accident|accidentally|on (?:a|the|my) (?!purpose)"
    r"|at (?:the|work|home)|in (?:the|a) (?:kitchen|gym|garden|fall|accident)|while|during))"
)
# lookbehinds behind a cheap lookahead, so they run only where a verb can start
_NOT_A_QUESTION = r"(?=[hicbpsmk])(?<!will i )(?<!could i )(?<!can i )(?<!might i )(?<!would i )"

ACUTE_RULES: tuple[tuple[str, str], ...] = (
    ("acute.self_act", r"\bKILL(?:ing|ed|s)? MYSELF\b|\b(?:take|taking"
     r"|took) my (?:own )?life(?! back)|\b(?:end|ending|ended) (?:my (?:own )?life|it all"
     r"|my suffering)\b|\bunaliv(?:e|ing|ed) MYSELF|\b(?:hang|hanging|shoot|shooting|drown"
     r"|drowning|gas|gassing|off|offing) MYSELF\b|\b(?:slit|slitting|slice|slicing|cut"
     r"|cutting) (?:open )?my (?:wrists?|throat)\b|\b(?:gun|it|pills|them) (?:on|to) MYSELF\b"
     r"|\bgun (?:to|in) my (?:head|mouth)\b"),
    ("acute.intent", r"\b(?:want to|wanted to|wish i could|going to|plan to|planning to"
     r"|planned to|about to|ready to|need to|intend to|decided to|try to|trying to|tried to"
     r"|attempt(?:ed)? to|tempted to|urge to|i will|i should|i might|i could|might as well"
     r"|i have tried|i tried|i attempted|i have attempted)(?: just| finally| actually| really"
     r"| seriously)? (?:to )?(?:commit(?:ting)? )?(?:SUICIDE|unalive|unaliving|sudoku"
     r"|toaster bath|kms|overdose|od|end it(?: all)?\b|jump off|jump in front)"),
    ("acute.intent", r"(?:^|\b(?:to|will|should|might|could|just|i|i am|ugh|literally|lowkey|fr"
     r"|as well) )kms\b"),
    ("acute.suicidal_self", r"\bi (?:am|was|have been|feel|felt|keep feeling|get|got"
     r"|been)(?: (?:so|really|very|feeling|getting|becoming|kind of|kinda|a bit|a little|pretty"
     r"|extremely|actively|passively|always|still|often|sometimes|constantly|just|now|again"
     r"|been|quite|super|lowkey|honestly|literally|seriously))* SUICIDE|\bfeeling (?:so "
     r"|really |very )?SUICIDE|\bmy (?:own |constant |recent )?SUICIDE (?:thoughts?|ideation"
     r"|urges?|feelings?)"),
    ("acute.suicidal_thoughts", r"ME(?: (?!not\b|never\b)[^\s.?!;]+){0,6}? (?:have|had|having"
     r"|get|getting|experience|experiencing|struggle with|struggling with|deal with"
     r"|dealing with|battle|battling|fight|fighting)(?: (?:some|bad|constant|strong|frequent"
     r"|recurring|passive|active|dark|intense|real|serious|these|the|a lot of|lots of"
     r"|many))* (?:SUICIDE|self ?-?harm(?:ing)?) ?(?:thoughts?|ideation|urges?|feelings?"
     r"|tendencies|impulses|ideas)"),
    ("acute.suicidal_thoughts", r"ME(?: [^\s.?!;]+){0,6}? (?:thinking|think|thought|dreaming"
     r"|fantasi[sz]ing|obsessing) (?:about|of) (?:\w+ )?(?:SUICIDE|KILLing MYSELF|ending (?:it"
     r"|my life|things)|dying(?! (?:my|your|her|his) hair)|death|taking my (?:own )?life"
     r"|not being (?:here|alive)|unaliv\w*|jumping off|hanging MYSELF|overdosing)"),
    ("acute.wish_to_die", r"\b(?:want to|wanted to|wish (?:i could|to)|ready to|deserve to"
     r"|hope to|hoping to|should just|i should|need to|let me|prefer to|longing to|long to"
     r"|trying to)(?: just| simply| finally)? (?:DIE|be dead|not be alive|not exist"
     r"|stop existing)\b"),
    ("acute.wish_to_die", r"\b(?:wish|want|wanted) (?:i was|i were|to be|i could be|i am"
     r"|i was just) (?:dead|gone|never born|not here|not alive|not around)\b|\bwish i (?:had"
     r"|would have) never (?:been born|existed|woken up)|\b(?:rather be|be better off"
     r"|better off) dead\b|\bstop existing\b"),
    ("acute.wish_to_die", r"\b(?:want|wish|ready|need)(?: for)? (?:it|this|everything|it all"
     r"|all of this|all this|my life|life) to (?:just )?(?:be over|end|stop|be done)\b"
     r"|\b(?:want to|wish i could) (?:just )?(?:disappear|vanish|(?:go to )?sleep forever"
     r"|be asleep forever)\b"),
    ("acute.indirect", r"\bdo not want to (?:live|be alive|exist|keep living|continue living"
     r"|be here any ?(?:more|longer)|be around any ?more|be here|go on|keep going"
     r"|wake up)(?:EOC| any ?more| any longer| like this| again| ever)|\bdo not want to (?:live"
     r"|be alive|exist)\b"),
    ("acute.indirect", r"\bwhat is the point (?:of|in) (?:living|life|going on|being alive"
     r"|it all|carrying on|existing|me|(?:trying|anything|continuing)(?:EOC| any ?more))"
     r"|\bno (?:point|reason|purpose) (?:in |of |to )?(?:living|live|life|going on|go on"
     r"|being alive|keep going|keep living|existing|be alive)\b"
     r"|\bnothing (?:left )?to live for\b|\bnot worth living\b|\b(?:life|living) is (?:not"
     r"|no longer) worth (?:it|living)\b"),
    ("acute.indirect", r"\bcan (?:not|no longer) (?:go on|keep going|keep living)(?:EOC"
     r"| like this| any ?more| any longer)|\bcan (?:not|no longer) (?:take it|take this|do this"
     r"|live like this|handle (?:it|this|life)|cope) (?:any ?more|any longer)\b"),
    ("acute.indirect", r"\b(?:hope|hoping|wish|pray|praying)(?: that)? i (?:do not|will not"
     r"|never|would not|did not) wake up\b|\b(?:go to sleep|fall asleep|sleep"
     r"|close my eyes) and (?:never|not) wake up\b|\bnever wake up again\b|\b(?:tired|sick"
     r"|exhausted|done) (?:of|with) (?:living|life|being alive|existing|(?:it all"
     r"|everything)EOC)|\bdone living\b|\bgive up on (?:life|living)\b|\bdo not see (?:a"
     r"|any) (?:way out|future|reason to (?:live|go on|keep going))\b"),
    ("acute.burden", r"\b(?:better off|happier|better) without me\b|\bbetter off (?:if|when"
     r"|once) i (?:(?:was|were|am|was not|were not|did not|had never|just|never) ?)?(?:gone"
     r"|dead|here|around|alive|exist|existed|born|been born|died|disappeared|left for good)\b"
     r"|\b(?:i am|i feel like|i feel like i am|i have become|feeling like|being)(?: such| just"
     r"| only| nothing but)? a burden\b|\b(?:nobody|no one) (?:would|will"
     r"|is going to)(?: even)? (?:miss me|care if i|notice if i|care when i|notice when i"
     r"|notice i am gone|care that i am gone)"),
    ("acute.plan", r"\ba plan (?:to|for|on how to) (?:KILL|DIE|end|SUICIDE|unalive|do it"
     r"|take my|overdose|hang|jump|shoot)|\b(?:i have|i made|i have made|i got) (?:a"
     r"|my) (?:suicide )?planEOC|\bplanning (?:my|on|to|for|how to) (?:SUICIDE|death|own death"
     r"|exit|end|KILL|ending|dying|overdos)|\b(?:wrote|written|writing|write|left|leaving"
     r"|drafted|drafting) (?:a|my|the) (?:SUICIDE |goodbye |farewell )(?:note|letter)s?\b"
     r"|\bgoodbye (?:letters|notes)\b|\bgiv(?:e|ing|en) away (?:all )?(?:my|all my) (?:stuff"
     r"|things|belongings|possessions|pets)\b|\b(?:said|saying) (?:my goodbyes"
     r"|goodbye to everyone)\b|\btonight is the night\b"),
    ("acute.plan", r"\b(?:set|picked|chose|chosen) (?:a|the) date (?:to|for) (?:DIE|end|KILL"
     r"|my death|do it)|\b(?:know|figured out|decided|researched|researching|looking up"
     r"|looked up|googled|googling) (?:how|ways|the best way|methods?) (?:to|i would|i will"
     r"|i am going to|i could|i) (?:KILL MYSELF|DIE|end (?:it|my life)|do it|overdose|hang"
     r"|unalive)\b|\b(?:painless|quick|easy|quickest|easiest|best|least painful"
     r"|surest) (?:ways?|methods?) (?:to|of) (?:DIE|dying|KILL|SUICIDE|end (?:it|my life)"
     r"|overdose)"),
    ("acute.plan", r"\bjump(?:ing|ed)? (?:off|from) (?:a|the|my) (?:\w+ )?(?:bridge|building"
     r"|roof|rooftop|balcony|cliff|overpass|ledge|tower|window|parking garage)\b|\b(?:jump|step"
     r"|walk|lie down|lay down)(?:ing|ed)? (?:in front of|into|onto) (?:a |the )?(?:train"
     r"|traffic|bus|truck|tracks|subway)\b|\bcrash(?:ing)? my car on purpose\b"),
    ("acute.means", r"\b(?:saving|saved|stockpil(?:e|ed|ing)|hoard(?:ed|ing)?|collect(?:ed|ing)"
     r"|stash(?:ed|ing)?|squirrel(?:ing|led)? away|building up"
     r"|piling up)(?: up)? (?:all )?(?:of )?(?:my |some |a bunch of |enough |extra |the "
     r"|a lot of |lots of |these |those |leftover )?(?:\w+ )?PILLS\b"
     r"|\benough (?:\w+ )?PILLS to\b|\b(?:a|the) bottle of PILLS\b.{0,60}\b(?:take them all"
     r"|all tonight|all at once)|\btake them all\b|\b(?:take|taking|took|swallow|swallowing"
     r"|swallowed) (?:the whole bottle|a whole bottle|all (?:of )?(?:my|the|these"
     r"|those) PILLS(?! as prescribed| on| before| in the| every))"),
    ("acute.means", r"\bhow (?:many|much)\b[^.?!;\n]{0,60}?\b(?:to|would|will|could|before (?:i"
     r"|you|it)) (?:DIE|KILL(?! (?:the |my |your |that )?(?:pain|bacteria|germs|virus|time"
     r"|appetite|brain))|overdose|od|be (?:lethal|fatal|deadly)|stop (?:my|your|a) heart|(?:not"
     r"|never) wake up|end (?:it|my life))\b|\b(?:lethal|fatal|deadly|killing) (?:dose|doses"
     r"|amount|amounts|quantity)\b|\boverdos(?:e|ing|ed)? (?:on purpose|intentionally"
     r"|deliberately|to DIE|and DIE)\b|\b(?:intentional|deliberate|purposeful) overdose\b"
     r"|\bod(?:ing)? on purpose\b"),
    ("acute.means", r"\b(?:bought|buy|buying|got|get|getting|have|tied|tie|tying|made"
     r"|making) (?:a )?(?:rope|noose)\b|\bnoose\b|\b(?:bought|loaded|loading|holding|got"
     r"|have) (?:a|my|the|his|her|my dads|his dads) (?:gun|pistol|handgun|firearm|revolver"
     r"|rifle|shotgun)\b(?= [^.?!;\n]{0,60}\b(?:MYSELF|my head|tonight|end it))|\b(?:razor"
     r"|blade|blades|knife) (?:to|on|against) my (?:wrists?|arms?|skin|throat|legs?|thighs?)\b"),
    ("acute.self_injury", r"\b(?:want to|going to|urges? to|need to|tempted to|about|of|keep"
     r"|kept|been|started|start|stop|again) " + _HARM + r" MYSELF\b"
     r"|\b" + _NOT_A_QUESTION + _HARM + r" MYSELF\b" + _ACCIDENT),
    ("acute.self_injury", r"(?:ME|\b(?:relapsed|urges? to|want to|going to"
     r"|tempted to))(?: [^\s.?!;]+){0,3}? (?:cut|cutting|burn|burning)(?= ?(?:[.!?,;]|$|again"
     r"|deeper|my (?:arms?|wrists?|legs?|thighs?|skin|stomach|body)))|(?:ME|\brelapsed(?: on"
     r"| into)?)(?: (?:have|am|was|still|also|often|sometimes|again|been|keep|kept|started"
     r"|start)){0,8} self ?-?harm(?:ing|ed)?\b|\bmy self ?-?harm"),  # bounded: linear time
    ("acute.spanish", r"\b(?:me )?(?:quiero|quisiera|deseo|necesito|voy a|pienso"
     r"|estoy pensando en|tengo ganas de|me dan ganas de) (?:morir(?:me)?|matar(?:me)?"
     r"|suicidar(?:me)?|quitarme la vida)\b|\bno (?:quiero|puedo) (?:seguir )?(?:vivir|viviendo"
     r"|mas)\b|\b(?:quitarme|acabar con) (?:la|mi) vida\b|\bme (?:corto|lastimo|hago dano"
     r"|quemo)\b|\b(?:cortarme|lastimarme|hacerme dano|quemarme|herirme)\b|\b(?:ojala|quiero"
     r"|quisiera) (?:estuviera|estar) muert[oa]\b|\bno vale la pena vivir\b"
     r"|\bestaria(?:n)? mejor sin mi\b|\bsoy una carga\b"),
)  # fmt: skip

MENTION_RULES: tuple[tuple[str, str], ...] = (
    ("mention.suicide_term", r"\bSUICIDE"),
    ("mention.self_harm_term", r"\bself ?-?(?:harm|injur|mutilat|h[*#]+rm)|\bnssi\b|\bautolesi"),
    ("mention.other_person", r"\bKILL(?:s|ed|ing)? (?:him|her|them|your|our|one)sel(?:f|ves)\b"
     r"|\b(?:took|take|taken|taking|end|ended|ending) (?:his|her|their|your|ones"
     r"|one s) own life\b|\b(?:ended|ending|end) (?:his|her|their) life\b|\bkys\b"),
    ("mention.algospeak", r"\bunaliv"),
    ("mention.overdose", r"\boverdos"),
    ("mention.death_idiom", r"\bkill me now\b|\brather (?:just )?(?:DIE|be dead)\b"
     r"|\b(?:depression|sadness|loneliness|grief|this life|my life|life|living) is killing me\b"),
    ("mention.hopeless", r"\b(?:i am|i feel|feeling|i have been feeling|i felt)(?: so| really"
     r"| very| completely| totally| utterly)? (?:hopeless|worthless)\b"),
)  # fmt: skip


def _compile(rules: tuple[tuple[str, str], ...], squeeze: bool) -> re.Pattern[str]:
    parts = []
    for i, (_, src) in enumerate(rules):
        src = re.sub("SUICIDE|KILL|DIE|MYSELF|EOC|PILLS|ME", lambda m: _MACROS[m.group()], src)
        src = src.replace(" ", r"[ \n]")  # a line break inside a phrase still matches
        parts.append(f"(?P<g{i}>{_squeeze(src) if squeeze else src})")
    # every rule starts a word: one cheap test skips the other positions
    return re.compile(r"\b(?=[a-z])(?:" + "|".join(parts) + ")", re.MULTILINE)


_TABLES = tuple(
    (level, rules, _compile(rules, False), _compile(rules, True))
    for level, rules in (("acute", ACUTE_RULES), ("mention", MENTION_RULES))
)


@dataclass(frozen=True)
class SafetyAssessment:
    """What the safety layer saw in one message; `rule` and `matched` are for the staff view."""

    level: Level
    rule: str | None = None
    matched: str | None = None

    @property
    def crisis(self) -> bool:
        return self.level != "none"


def assess(text: str) -> SafetyAssessment:
    """The crisis level of a visitor's message: acute rules first, then mention rules.

    Every character is examined, however long the text: a phrase at the end of a huge message
    still counts. Each text is also matched with letter runs squeezed ("diiie", "kiill").
    """
    plain = normalise(text)
    forms = (plain, _squeeze(plain))
    for level, rules, rx_plain, rx_squeezed in _TABLES:
        for form, rx in zip(forms, (rx_plain, rx_squeezed), strict=True):
            found = rx.search(form)
            if found:
                rule = rules[int(found.lastgroup[1:])][0]
                return SafetyAssessment(level, rule, found.group()[:_MAX_MATCHED])
    return SafetyAssessment("none")


@lru_cache(maxsize=4096)  # quotes are slices of a fixed corpus: the same few texts again and again
def passage_mentions_suicide(text: str) -> bool:
    """True when a quoted passage discusses suicide or self-harm, so the resources line is added."""
    return assess(text).crisis


_DOSE_OR_METHOD = re.compile(
    r"\bdos(?:e|es|ed|ing|age|ages)\b|\boverdos|\bmicrodos|\b\d+(?:\.\d+)?\s?(?:mg|mcg|\u03bcg|ml|g)\b"
    r"|\bmg/kg\b|\b(?:milli|micro)grams?\b|\b(?:pills?|tablets?|capsules?|lozenges?|troches?)\b"
    r"|\b(?:lethal|fatal|deadly|toxic)\b|\binfusions? of \d|\b(?:\d+|one|two|three|four|five|six|"
    r"seven|eight|nine|ten|twelve|single|series of) (?:iv |ketamine )?infusions?\b|\bmethods?\b"
    r"|\bmeans of\b|\b(?:hanging|noose|rope|firearms?|guns?|jump(?:ed|ing)? (?:off|from)|poison\w*"
    r"|razors?|blades?|wrists?|carbon monoxide|stockpil\w*)\b"
    # routes of administration: in an acute reply even "repeated infusions" reads as a method
    r"|\b(?:infusions?|injections?|intranasal|intramuscular|sublingual|nasal sprays?|iv)\b"
    # a phone number: the articles quote an outdated hotline; the crisis text has current ones
    r"|\+?\d[\d ()-]{7,}\d"
)


@lru_cache(maxsize=4096)
def describes_dose_or_method(text: str) -> bool:
    """True when a passage gives doses, amounts, pills or a means: an acute reply leaves it out."""
    light = unicodedata.normalize("NFKC", text).casefold().translate(_CHARMAP)
    return bool(_DOSE_OR_METHOD.search(light))


@dataclass(frozen=True)
class CrisisText:
    """The words shown in a crisis, loaded from the one file the clinic edits and localises."""

    acute_message: str  # Markdown, resources first
    resources_line: str  # one short line for "mention"
    source: str  # the file it came from


def load_crisis_text(path: Path | str | None = None) -> CrisisText:
    """The crisis text from `path`, or from the packaged data/crisis.toml. Cached per file.

    Raises:
        ValueError: the file is missing, unreadable, not TOML, or lacks a text.
    """
    return _load(str(Path(path) if path is not None else DEFAULT_CRISIS_PATH))


@lru_cache(maxsize=8)
def _load(source: str) -> CrisisText:
    fix = f"Fix it, or copy the packaged template {DEFAULT_CRISIS_PATH} and edit that."
    try:
        data = tomllib.loads(Path(source).read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ValueError(f"Crisis text file {source} does not exist. {fix}") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ValueError(f"Crisis text file {source} cannot be read ({exc}). {fix}") from None
    except tomllib.TOMLDecodeError as exc:
        raise ValueError(f"Crisis text file {source} is not valid TOML ({exc}). {fix}") from None
    return CrisisText(
        acute_message=_text(data, "acute", "message", source, fix),
        resources_line=_text(data, "mention", "line", source, fix),
        source=source,
    )


def _text(data: dict, table: str, key: str, source: str, fix: str) -> str:
    section = data.get(table)
    value = section.get(key) if isinstance(section, dict) else None
    if not isinstance(value, str) or not value.strip():
        raise ValueError(
            f'Crisis text file {source} needs a non-empty text: [{table}] {key} = "...". {fix}'
        )
    return value.strip()


def safety_text(level: Level, crisis: CrisisText | None = None) -> str:
    """The text to show for a level: nothing, the resources line, or the full acute message."""
    if level not in LEVELS:
        raise ValueError(f"level must be one of {', '.join(LEVELS)}, got {level!r}")
    if level == "none":
        return ""
    crisis = crisis or load_crisis_text()
    return crisis.acute_message if level == "acute" else crisis.resources_line
