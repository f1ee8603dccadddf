"""The word lists the rules planner reads a story with.

Kept in one module so that tuning the planner means editing lists, not logic. Words are lower
case; English first, with the commonest Spanish and Russian forms where a rule must not miss
them (speech verbs, pronouns).
"""

from __future__ import annotations

from shotgraph.models import Mood, Place, TimeOfDay


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


# Capitalised words that are never character names on their own: function words and the
# adverbs, numbers and exclamations that often start a sentence, plus calendar words.
COMMON_WORDS = _words(
    """
    a about above across after afterwards again against ah all almost alone along already also
    although always among an and another any anyone anything anywhere are around as at away back
    be because been before behind being below beneath beside besides between beyond both but by
    can could dear did do does down during each early either else even ever every everybody
    everyone everything everywhere far few finally first five for four from further go good
    goodbye had has have he hello her here hers herself hey hi him himself his how however i if
    in inside instead into is it its itself just last late later least less let like little long
    many maybe me meanwhile might mine more most much must my myself near nearby neither never
    next nine no nobody none nor not nothing now nowhere o of off oh ok okay on once one only
    onto or other others otherwise our ours ourselves out outside over own perhaps please quickly
    quite rather really right same second seven several she should since six slowly so some
    somebody someone something sometimes somewhere soon still such suddenly ten than thank
    thanks that the their theirs them themselves then there therefore these they third this
    those though three through throughout thus to today together tomorrow tonight too toward
    towards twenty two under unless until up upon us very was we well were what whatever when
    whenever where wherever whether which while who whoever whole whom whose why with
    within without wow would yes yesterday yet you your yours yourself yourselves twice
    indeed anyway besides nearly almost hardly everywhere eleven twelve hundred thousand
    monday tuesday wednesday thursday friday saturday sunday january february march april may
    june july august september october november december christmas easter spring summer autumn
    winter morning evening night afternoon dawn dusk midnight noon
    english french spanish german italian russian chinese japanese american british irish
    scottish welsh african european asian latin greek arabic indian
    sir madam ma'am miss mister lord lady god chapter part book end epilogue prologue
    """
)

# Honorifics and kinship words that start a name ("Mr Hale", "Aunt Rose") and tell its gender.
HONORIFICS: dict[str, str] = {
    **dict.fromkeys(
        _words(
            "mr mister sir lord king prince duke baron uncle father brother grandpa grandfather "
            "dad papa master monsieur señor don herr"
        ),
        "male",
    ),
    **dict.fromkeys(
        _words(
            "mrs ms miss madam madame lady queen princess duchess aunt auntie mother sister "
            "grandma granny grandmother mum mom mama dame señora doña frau"
        ),
        "female",
    ),
    **dict.fromkeys(
        _words(
            "dr doctor captain professor prof officer detective sergeant judge old young "
            "little big saint st"
        ),
        "unknown",
    ),
}

# Nouns that tell a gender when they stand before a name or describe someone ("her brother Jun").
GENDERED_NOUNS: dict[str, str] = {
    **dict.fromkeys(
        _words(
            "brother son grandson husband boy man father uncle nephew king prince lord "
            "gentleman fellow"
        ),
        "male",
    ),
    **dict.fromkeys(
        _words(
            "sister daughter granddaughter wife girl woman mother aunt niece queen princess "
            "lady grandmother"
        ),
        "female",
    ),
}

MALE_PRONOUNS = {"he": 2, "him": 1, "his": 1, "himself": 1, "él": 2, "он": 2, "его": 1, "ему": 1}
FEMALE_PRONOUNS = {"she": 2, "her": 1, "hers": 1, "herself": 1, "ella": 2, "она": 2, "её": 1}
SUBJECT_PRONOUNS = {"he": "male", "she": "female", "él": "male", "ella": "female"}
PLURAL_SUBJECTS = _words("they we")

# Verbs that attribute quoted speech: `"...," said Mara` / `Mara asked, "..."`.
SPEECH_VERBS = _words(
    """
    said says say asked asks answered answers replied replies whispered whispers shouted shouts
    cried cries called calls yelled yells muttered mutters murmured murmurs added adds laughed
    sighed began continued exclaimed snapped told insisted warned agreed admitted repeated
    breathed hissed growled barked roared screamed begged pleaded promised explained declared
    announced demanded wondered sang chuckled grumbled mumbled stammered interrupted urged
    gasped groaned sobbed teased protested suggested offered ordered
    dijo preguntó respondió contestó gritó susurró exclamó
    сказал сказала спросил спросила ответил ответила крикнул крикнула прошептал прошептала
    """
)

# Words before a capitalised word that make it a place, not a person ("in Greyhaven"); "at",
# "to" and "from" are left out because people follow them too ("looked at Orla").
PLACE_PREPOSITIONS = _words("in into inside within across through")

# Last words of a capitalised phrase that make it a place's name ("Lantern Street").
PLACE_NAME_HEADS = _words(
    """
    street road lane avenue square harbour harbor bay point island isle river lake mount
    mountain hill hills wood woods forest castle bridge tower inn market park valley cove cape
    creek falls city town village sea ocean
    """
)

# Nouns that name a kind of place, and the backdrop each calls for.
PLACE_WORDS: dict[str, Place] = {
    **dict.fromkeys(
        _words(
            "sea ocean harbour harbor pier quay beach shore coast bay lighthouse waves wave "
            "slipway headland cliff cliffs deck island tide surf dock docks"
        ),
        Place.SEA,
    ),
    **dict.fromkeys(
        _words("forest woods wood trees grove thicket jungle glade clearing pines den burrow"),
        Place.FOREST,
    ),
    **dict.fromkeys(
        _words(
            "street streets city market town alley square station shop stall stalls bazaar avenue "
            "building rooftop rooftops subway"
        ),
        Place.CITY,
    ),
    **dict.fromkeys(
        _words(
            "room kitchen house inside hall bedroom attic cellar parlour parlor study library "
            "stove hearth fireplace corridor staircase chamber classroom office tavern inn"
        ),
        Place.INTERIOR,
    ),
    **dict.fromkeys(
        _words("mountain mountains peak peaks summit ridge glacier crag crags alps"),
        Place.MOUNTAINS,
    ),
    **dict.fromkeys(_words("desert dune dunes sand sands oasis canyon"), Place.DESERT),
    **dict.fromkeys(
        _words("village cottage farm farmhouse hamlet barn orchard mill garden yard"),
        Place.VILLAGE,
    ),
    **dict.fromkeys(
        _words("hill hills meadow field fields valley moor river lake plain countryside pasture"),
        Place.HILLS,
    ),
}

# How a scene with no place words of its own but a known kind of place is named.
PLACE_FALLBACK_NAMES: dict[Place, str] = {
    Place.SEA: "the open sea",
    Place.FOREST: "a quiet forest",
    Place.CITY: "a city street",
    Place.INTERIOR: "a quiet room",
    Place.MOUNTAINS: "the mountains",
    Place.DESERT: "the desert",
    Place.VILLAGE: "a small village",
    Place.HILLS: "rolling hills",
}

TIME_WORDS: dict[str, TimeOfDay] = {
    **dict.fromkeys(_words("dawn sunrise daybreak"), TimeOfDay.DAWN),
    **dict.fromkeys(
        _words("morning noon midday afternoon daylight sunlight sunshine sunny"), TimeOfDay.DAY
    ),
    **dict.fromkeys(_words("dusk sunset evening twilight nightfall sundown"), TimeOfDay.DUSK),
    **dict.fromkeys(
        _words("night midnight tonight moon moonlight moonlit stars starlight"), TimeOfDay.NIGHT
    ),
}

# Words that colour a scene's mood (a trailing * matches any ending); the mood with most hits
# wins, CALM when none.
MOOD_WORDS: dict[Mood, frozenset[str]] = {
    Mood.TENSE: _words(
        "fear* afraid scare* terror* storm* thunder* danger* scream* panic* chase* chasing crash* "
        "howl* trembl* rage raged angry hail threat* flee* fled swore"
    ),
    Mood.JOYFUL: _words(
        "laugh* joy joyful joyous smile* smiling happy happi* delight* danc* giggl* cheerful "
        "grin grinned grinning play* singing sang fun"
    ),
    Mood.SAD: _words(
        "tear tears cry cries crying cried wept weep* loss lost grief griev* mourn* lonely "
        "sorrow* grave sad sadly sadness sob sobs sobbed sobbing funeral"
    ),
    Mood.MYSTERIOUS: _words(
        "strange* whisper* secret* mist mists misty fog foggy myster* ghost* riddle* hidden "
        "shadow* silen* glow* eerie unknown"
    ),
    Mood.TRIUMPHANT: _words(
        "victor* cheer cheered cheering cheers triumph* hero heroes celebrat* proud saved "
        "rescu* won relief"
    ),
}

# Things worth an insert shot when the text mentions them.
PROPS = _words(
    """
    lantern lamp candle key letter book map kite rope boat sword ring door window bell clock
    cup bread basket box coin coins knife bottle flower stone shell net nets oar compass hat
    coat scarf photograph cake apple fish string lens wick spring wheel mast sail dumpling
    dumplings napkin pot pots sack shawl cap eggs plate
    """
)

# Words that call for a close-up: a face, a feeling.
EMOTION_WORDS = _words(
    """
    tears tear cried wept smiled smile frowned face eyes gasped blushed red trembled stared
    softened laughed whispered sighed sobbed grinned glared winced
    """
)
EYE_WORDS = _words("eyes tears stared glared")

# Verbs of moving the whole body: a full shot shows the figure from head to toe.
MOVEMENT_WORDS = _words(
    """
    ran run runs climbed climb climbs walked walk walks jumped jump jumps danced dance swam
    stood fell rode carried hauled pushed pulled crossed raced hurried marched crept leapt
    wandered stepped knelt turned
    """
)

# Sentence openings that start a new scene: a jump in time, another place, a parallel thread.
TIME_CUE = (
    r"(?:(?:a\s+(?:little|moment|while)|much|an?\s+hour|hours|days|weeks|months|years|moments"
    r"|minutes|some\s+time|long|not\s+long)\s+later|later|afterwards?|eventually"
    r"|(?:the|that)\s+(?:next\s+|following\s+|same\s+)?"
    r"(?:morning|day|night|evening|afternoon|dawn|week|spring|summer|autumn|winter|year)"
    r"|next\s+(?:morning|day|night|evening|week)"
    r"|(?:at|by|before|after|until)\s+(?:dawn|dusk|sunrise|sunset|noon|midnight|nightfall"
    r"|daybreak|first\s+light|night|morning)"
    r"|(?:early\s+|late\s+)?one\s+(?:morning|day|night|evening|afternoon)"
    r"|when\s+(?:morning|night|dawn|dusk|evening)\s+(?:came|fell|broke)"
    r"|(?:days|weeks|months|years|time)\s+(?:passed|went\s+by)|chapter\b)"
)
PARALLEL_CUE = r"(?:meanwhile|elsewhere|at\s+the\s+same\s+time)"
PLACE_CUE_LEAD = (
    r"(?:(?:out|back|down|up|over|far|deep|high)\s+)?"
    r"(?:at|in|on|inside|outside|across|beyond|near|by|past|under|into)\s+"
    r"(?:the\s+|a\s+|an\s+)?(?:[\w'-]+\s+){0,2}"
)
