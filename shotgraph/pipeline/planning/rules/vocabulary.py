"""The word lists the rules planner reads a story with.

Kept in one module so that tuning the planner means editing lists, not logic. Words are lower
case; English first, with the commonest Spanish and Russian forms where a rule must not miss
them (speech verbs, pronouns).
"""

from __future__ import annotations

from shotgraph.models import Mood, Place, Season, TimeOfDay, Weather


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
PLACE_PREPOSITIONS = _words("in into inside within across through aboard")

# Nouns that stand before a place's name ("the planet Zor", "the town of Greyhaven").
PLACE_TYPE_NOUNS = _words(
    "town city village planet island station port moon harbour harbor kingdom country colony"
)

# Vehicles and ways that go somewhere: `the night train to Greyhaven`.
VEHICLE_WORDS = _words("train bus ship boat ferry flight road way coach plane")

# Verbs of travel and dwelling: a capitalised word after `sailed to`, `lived on`, `reached`
# names a place.
TRAVEL_VERBS = _words(
    """
    sailed flew travelled traveled went came returned arrived drove rode walked journeyed
    moved lived landed headed set reached visited left crossed docked orbited sail fly travel
    go come return arrive drive ride walk journey move live land head reach visit
    """
)

# Last words of a capitalised phrase that make it a place's name ("Lantern Street").
PLACE_NAME_HEADS = _words(
    """
    street road lane avenue square harbour harbor bay point island isle river lake mount
    mountain hill hills wood woods forest castle bridge tower inn market park valley cove cape
    creek falls city town village sea ocean station port base colony outpost planet
    """
)

# Nouns that name a kind of place, and the backdrop each calls for. Snow, rain and the seasons
# are not places: they are the weather and season of whatever place the scene is in.
PLACE_WORDS: dict[str, Place] = {
    **dict.fromkeys(
        _words(
            "sea ocean harbour harbor pier quay beach shore coast bay lighthouse waves wave "
            "slipway headland cliff cliffs deck island tide surf dock docks port seaside mar playa "
            "puerto"
        ),
        Place.SEA,
    ),
    **dict.fromkeys(
        _words(
            "forest woods wood trees grove thicket jungle glade clearing pines birches oaks "
            "den burrow sett lair bosque selva"
        ),
        Place.FOREST,
    ),
    **dict.fromkeys(
        _words(
            "street streets city market alley square shop stall stalls bazaar avenue "
            "building buildings rooftop rooftops subway skyscraper skyscrapers traffic ciudad"
        ),
        Place.CITY,
    ),
    **dict.fromkeys(_words("town towns pueblo"), Place.TOWN),
    **dict.fromkeys(
        _words(
            "room kitchen house hall bedroom attic cellar parlour parlor study library "
            "stove hearth fireplace corridor staircase chamber classroom office tavern inn "
            "cabin galley cockpit casa cocina"
        ),
        Place.INTERIOR,
    ),
    **dict.fromkeys(
        _words("mountain mountains peak peaks summit ridge glacier crag crags alps montaña"),
        Place.MOUNTAINS,
    ),
    **dict.fromkeys(_words("desert dune dunes sand sands oasis canyon desierto"), Place.DESERT),
    **dict.fromkeys(
        _words("village cottage farm farmhouse hamlet barn orchard mill garden yard aldea"),
        Place.VILLAGE,
    ),
    **dict.fromkeys(
        _words("hill hills meadow valley moor plain countryside colina prado"), Place.HILLS
    ),
    **dict.fromkeys(_words("field fields farmland wheat cornfield pasture crops"), Place.FIELDS),
    **dict.fromkeys(
        _words("river riverbank stream brook bridge ford canal lake pond waterfall río"),
        Place.RIVER,
    ),
    **dict.fromkeys(
        _words("road roads highway railway railroad train platform motorway carretera"),
        Place.ROAD,
    ),
    **dict.fromkeys(_words("arctic tundra snowfield snowfields iceberg floe"), Place.SNOW),
    **dict.fromkeys(_words("cave caves cavern caverns grotto tunnel cueva"), Place.CAVE),
    **dict.fromkeys(
        _words(
            "space spaceship spacecraft starship rocket planet planets orbit asteroid "
            "asteroids galaxy nebula spacewalk"
        ),
        Place.SPACE,
    ),
}

# An animal's home is a place in the woods, seen from outside, unless the story goes in.
DEN_WORDS = _words("den burrow sett lair")
GOING_IN_WORDS = _words("inside into within")

# Words that say what kind of place it is, as the animatic draws it: kinds of trees, a harbour,
# a bridge, a kitchen, a den, a ship's or spacecraft's inside.
FEATURE_WORDS: dict[str, str] = {
    **dict.fromkeys(_words("birch birches"), "birch"),
    **dict.fromkeys(_words("pine pines fir firs spruce pino pinos"), "pine"),
    **dict.fromkeys(_words("oak oaks"), "oak"),
    **dict.fromkeys(_words("jungle jungles tropical selva"), "palm"),
    **dict.fromkeys(_words("harbour harbor pier quay dock docks port puerto"), "harbour"),
    **dict.fromkeys(_words("lighthouse faro"), "lighthouse"),
    **dict.fromkeys(_words("bridge puente"), "bridge"),
    **dict.fromkeys(_words("railway railroad train rails platform"), "railway"),
    **dict.fromkeys(_words("cliff cliffs"), "cliff"),
    **dict.fromkeys(_words("kitchen stove cocina"), "kitchen"),
    **dict.fromkeys(_words("den burrow sett lair"), "den"),
    **dict.fromkeys(_words("cabin galley"), "ship"),
    **dict.fromkeys(_words("spaceship spacecraft starship cockpit airlock"), "spaceship"),
    **dict.fromkeys(_words("planet planets"), "planet"),
    **dict.fromkeys(_words("castle"), "castle"),
    **dict.fromkeys(_words("cave caves cavern grotto cueva"), "cave"),
    **dict.fromkeys(_words("windmill"), "windmill"),
}

WEATHER_WORDS: dict[str, Weather] = {
    **dict.fromkeys(
        _words("snow snowing snowed snowfall snowflakes snowflake blizzard sleet nieve nevaba"),
        Weather.SNOW,
    ),
    **dict.fromkeys(
        _words("rain raining rained rainy drizzle downpour raindrops lluvia llovía"),
        Weather.RAIN,
    ),
    **dict.fromkeys(
        _words("storm storms stormy thunder lightning gale tempest hurricane tormenta"),
        Weather.STORM,
    ),
    **dict.fromkeys(_words("fog foggy mist misty niebla"), Weather.FOG),
}

SEASON_WORDS: dict[str, Season] = {
    **dict.fromkeys(
        _words("winter wintry frost frosty frozen icy snowdrift snowdrifts invierno"),
        Season.WINTER,
    ),
    **dict.fromkeys(_words("autumn autumnal harvest otoño"), Season.AUTUMN),
    **dict.fromkeys(_words("spring blossom blossoms primavera"), Season.SPRING),
    **dict.fromkeys(_words("summer verano"), Season.SUMMER),
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
    Place.TOWN: "a small town",
    Place.RIVER: "the riverbank",
    Place.ROAD: "the open road",
    Place.FIELDS: "open fields",
    Place.SNOW: "the snowfields",
    Place.CAVE: "a dark cave",
    Place.SPACE: "deep space",
}

TIME_WORDS: dict[str, TimeOfDay] = {
    **dict.fromkeys(_words("dawn sunrise daybreak"), TimeOfDay.DAWN),
    **dict.fromkeys(
        _words("morning noon midday afternoon daylight sunlight sunshine sunny"), TimeOfDay.DAY
    ),
    **dict.fromkeys(_words("dusk sunset evening twilight nightfall sundown"), TimeOfDay.DUSK),
    **dict.fromkeys(
        _words("night midnight tonight moon moonlight moonlit stars starlight noche"),
        TimeOfDay.NIGHT,
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

# Things a shot draws when its words name them (objects, vehicles, buildings, plants), and the
# name each is drawn as; an insert shot shows the first one large.
THINGS: dict[str, str] = {
    **{
        word: word
        for word in _words(
            """
        lantern lamp candle torch key letter map book kite rope boat ship sword ring bell clock
        cup bread basket box chest coin bottle flower stone shell net compass hat scarf cake
        apple wheel crown umbrella ball ladder bucket egg feather mirror telescope drum
        fiddle violin guitar car bus truck tractor train bicycle cart wagon sled sledge plane
        rocket balloon canoe raft house cottage hut tower castle windmill tent barn tree
        mushroom pumpkin cheese honey acorn carrot parcel
        """
        )
    },
    **{
        f"{word}s": word
        for word in _words(
            """
        lantern lamp candle key letter map book kite boat ship sword ring bell clock cup
        basket coin bottle flower stone shell hat cake apple wheel crown ball bucket egg
        feather drum car bus truck tractor bicycle cart wagon plane rocket balloon canoe raft
        house cottage hut tower tent tree mushroom pumpkin acorn carrot
        """
        )
    },
    **dict.fromkeys(_words("boxes"), "box"),
    **dict.fromkeys(_words("torches"), "torch"),
    **dict.fromkeys(_words("bike bikes"), "bicycle"),
    **dict.fromkeys(_words("sledges sleigh"), "sled"),
    **dict.fromkeys(_words("aeroplane airplane"), "plane"),
    **dict.fromkeys(_words("linterna farol"), "lantern"),
    **dict.fromkeys(_words("barco barca"), "boat"),
    **dict.fromkeys(_words("llave"), "key"),
    **dict.fromkeys(_words("carta"), "letter"),
    **dict.fromkeys(_words("queso"), "cheese"),
    **dict.fromkeys(_words("manzana"), "apple"),
}
MAX_PROPS = 3

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
