"""Rule-based parser that turns one sentence about an item into a ParsedItem, with no network and no database."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from dateutil.relativedelta import relativedelta

from agent.parsing import ParsedItem
from agent.quick_add import quick_add_fields

MAX_GOAL_MONTHS = 1200
MAX_NAME_WORDS = 7

# ---------------------------------------------------------------------------------------------------------------------
# Item types: keywords are matched on word boundaries, singular or plural. Multi-word phrases beat single words, so
# "jigsaw puzzle" is a toy although "jigsaw" alone is a tool, and "gym membership" a subscription although "gym" is not.
# Miscellaneous holds things we recognise that fit no other type (kitchenware, stationery, luggage, instruments);
# Other is for things we do not recognise at all.
# ---------------------------------------------------------------------------------------------------------------------
# fmt: off
TYPE_KEYWORDS: dict[str, tuple[str, ...]] = {
    "Clothing_Accessories": (
        "clothes", "clothing", "outfit", "shirt", "t-shirt", "tshirt", "tee", "tank top", "top", "blouse", "polo",
        "sweater", "jumper", "cardigan", "hoodie", "sweatshirt", "jacket", "coat", "parka", "blazer", "vest",
        "raincoat", "windbreaker", "jeans", "pants", "trousers", "chinos", "shorts", "leggings", "joggers",
        "sweatpants", "skirt", "dress", "gown", "suit", "tuxedo", "uniform", "pajamas", "pyjamas", "robe", "underwear",
        "bra", "lingerie", "sock", "stockings", "tights", "swimsuit", "bikini", "swim trunks", "shoe", "sneaker",
        "trainer", "running shoe", "boot", "heel", "sandal", "flip-flop", "slipper", "loafer", "clog", "hat", "cap",
        "beanie", "beret", "scarf", "glove", "mitten", "belt", "tie", "bow tie", "watch", "wristwatch", "sunglasses",
        "glasses", "handbag", "purse", "clutch", "wallet", "tote", "tote bag", "backpack", "bag", "jewelry",
        "jewellery", "necklace", "bracelet", "earring", "ring", "pendant", "brooch", "cufflink", "onesie", "kimono",
        "sari", "poncho", "apron", "overalls", "nike", "adidas", "air max",
    ),
    "Personal_Care_Items": (
        "toothbrush", "electric toothbrush", "toothpaste", "floss", "water flosser", "hair dryer", "hairdryer",
        "blow dryer", "hair straightener", "straightener", "curling iron", "hair curler", "hairbrush", "comb", "razor",
        "shaver", "trimmer", "beard trimmer", "epilator", "perfume", "cologne", "fragrance", "deodorant", "shampoo",
        "conditioner", "body wash", "soap bar", "lotion", "moisturizer", "moisturiser", "sunscreen", "skincare",
        "skin care", "serum", "face cream", "makeup", "make-up", "lipstick", "mascara", "eyeliner", "foundation",
        "nail polish", "cosmetics", "makeup bag", "toiletry", "toiletries", "bathroom scale", "massager", "massage gun",
        "tweezers", "nail clipper", "contact lens", "hearing aid", "retainer", "heating pad", "face mask", "loofah",
        "bath towel", "towel", "grooming kit", "shaving kit", "beard oil", "manicure set", "hair clipper", "clippers",
        "airwrap", "hair styler", "hot brush", "soap", "hand soap", "bar of soap",
    ),
    "Cleaning_Supplies": (
        "mop", "spin mop", "steam mop", "broom", "dustpan", "vacuum", "vacuum cleaner", "robot vacuum", "roomba",
        "hoover", "dyson vacuum", "carpet cleaner", "steam cleaner", "duster", "feather duster", "sponge",
        "scrub brush", "scrubber", "squeegee", "bucket", "cleaning cloth", "microfiber cloth", "microfiber",
        "dish cloth", "rag", "detergent", "laundry detergent", "dish soap", "bleach", "disinfectant", "cleaning spray",
        "cleaner", "all-purpose cleaner", "glass cleaner", "cleaning supplies", "cleaning products", "rubber gloves",
        "trash can", "garbage can", "lint roller", "fabric softener", "dryer sheets", "toilet brush", "toilet cleaner",
        "trash bin", "recycling bin", "bin bags",
    ),
    "Furniture_Appliances": (
        "chair", "desk chair", "office chair", "armchair", "recliner", "stool", "bench", "sofa", "couch", "loveseat",
        "sectional", "futon", "ottoman", "table", "dining table", "coffee table", "side table", "nightstand", "desk",
        "standing desk", "bed", "bed frame", "bunk bed", "crib", "mattress", "dresser", "wardrobe", "closet", "cabinet",
        "bookshelf", "bookcase", "shelf", "shelving", "drawer", "chest of drawers", "tv stand", "lamp", "floor lamp",
        "desk lamp", "fridge", "refrigerator", "freezer", "microwave", "oven", "stove", "range", "dishwasher",
        "washing machine", "washer", "dryer", "tumble dryer", "toaster", "toaster oven", "kettle", "electric kettle",
        "blender", "mixer", "stand mixer", "food processor", "coffee maker", "coffee machine", "espresso machine",
        "air fryer", "slow cooker", "instant pot", "pressure cooker", "rice cooker", "juicer", "waffle maker",
        "air conditioner", "heater", "space heater", "fan", "ceiling fan", "iron", "sewing table", "high chair",
        "changing table", "rocking chair", "patio furniture", "futon mattress", "appliance", "furniture", "dining set",
        "patio set", "bedroom set", "coat rack", "shoe rack", "hat stand", "rack", "headboard", "vanity", "sideboard",
        "hutch", "console table", "front loader", "top loader", "nespresso", "nespresso machine", "keurig", "vitamix",
        "kitchenaid", "dehydrator", "bread maker", "ice maker", "water heater", "air purifier", "dehumidifier",
        "humidifier", "crockpot", "crock-pot", "standing fan", "tower fan",
    ),
    "Decor_Art": (
        "painting", "oil painting", "watercolor", "watercolour", "art", "artwork", "print", "art print", "poster",
        "movie poster", "canvas", "photo frame", "picture frame", "frame", "sculpture", "statue", "figurine", "vase",
        "rug", "carpet", "tapestry", "wall hanging", "mirror", "wall clock", "clock", "candle", "scented candle",
        "candle holder", "candlestick", "plant", "houseplant", "monstera", "succulent", "cactus", "orchid", "planter",
        "flower pot", "artificial flowers", "wreath", "throw pillow", "cushion", "throw", "throw blanket", "quilt",
        "curtain", "drapes", "blinds", "ornament", "christmas tree", "snow globe", "fairy lights", "string lights",
        "decor", "decoration", "wall art", "mural", "bookends", "diffuser", "centerpiece", "photograph", "lithograph",
        "pottery", "blanket", "knitted blanket", "fig", "fiddle leaf fig", "pothos", "snake plant", "fern", "bonsai",
        "peace lily", "ficus", "aloe", "photo", "xmas tree",
    ),
    "Subscriptions_Licenses": (
        "subscription", "membership", "gym membership", "license", "licence", "software license", "netflix", "spotify",
        "spotify premium", "hulu", "disney+", "disney plus", "hbo", "hbo max", "youtube premium", "apple music",
        "apple tv+", "amazon prime", "prime membership", "audible", "patreon", "adobe", "creative cloud",
        "microsoft office", "office 365", "microsoft 365", "icloud", "dropbox", "google one", "chatgpt plus",
        "season pass", "season ticket", "annual pass", "museum pass", "costco", "costco membership", "domain name",
        "vpn", "antivirus", "xbox game pass", "game pass", "playstation plus", "nintendo switch online",
        "magazine subscription", "newspaper subscription", "pass", "plex", "plex pass", "paramount+", "peacock",
        "crunchyroll", "duolingo", "masterclass", "insurance", "car insurance", "insurance policy", "warranty",
        "extended warranty", "headspace", "calm app",
    ),
    "Technology": (
        "laptop", "notebook computer", "macbook", "macbook pro", "macbook air", "chromebook", "computer", "desktop",
        "desktop computer", "pc", "gaming pc", "imac", "mac mini", "monitor", "phone", "smartphone", "iphone",
        "android", "pixel", "galaxy", "cell phone", "mobile phone", "tablet", "ipad", "e-reader", "kindle",
        "headphones", "headphone", "earbuds", "earphones", "airpods", "headset", "speaker", "bluetooth speaker",
        "smart speaker", "echo", "alexa", "google home", "soundbar", "tv", "television", "smart tv", "projector",
        "camera", "dslr", "dslr camera", "mirrorless camera", "webcam", "gopro", "lens", "drone", "keyboard",
        "mechanical keyboard", "mouse", "trackpad", "printer", "scanner", "router", "modem", "hard drive", "ssd",
        "usb drive", "flash drive", "charger", "power bank", "cable", "smartwatch", "smart watch", "apple watch",
        "fitbit", "fitness tracker", "vr headset", "oculus", "graphics card", "gpu", "raspberry pi", "microphone",
        "mic", "ipod", "mp3 player", "walkie-talkie", "gadget", "electronics", "record player", "turntable", "stereo",
        "amplifier", "battery", "laptop battery", "phone case", "thermostat", "smart thermostat", "smart plug",
        "smart bulb", "doorbell camera", "video doorbell", "ring doorbell", "security camera", "nas",
        "kindle paperwhite", "walkman", "gps watch", "running watch", "garmin", "power strip", "surge protector",
        "sony", "bose",
    ),
    "Vehicles": (
        "car", "bike", "bicycle", "road bike", "mountain bike", "e-bike", "ebike", "electric bike", "motorcycle",
        "motorbike", "scooter", "electric scooter", "moped", "truck", "pickup truck", "van", "minivan", "suv", "sedan",
        "hatchback", "convertible", "jeep", "rv", "camper van", "trailer", "boat", "sailboat", "jet ski", "golf cart",
        "tesla", "honda", "toyota", "ford", "chevy", "chevrolet", "subaru", "volkswagen", "vw", "bmw", "audi",
        "mercedes", "nissan", "hyundai", "kia", "mazda", "volvo", "porsche", "civic", "corolla", "camry", "prius",
        "model 3", "model y", "vespa", "harley", "unicycle", "tricycle", "vehicle", "tire", "tyre", "winter tires",
        "car battery", "roof rack", "bike rack", "rav4", "outback", "f-150",
    ),
    "Tools_Equipment": (
        "drill", "cordless drill", "power drill", "hammer", "screwdriver", "wrench", "socket wrench", "socket set",
        "wrench set", "pliers", "saw", "circular saw", "jigsaw", "chainsaw", "table saw", "miter saw", "sander",
        "grinder", "angle grinder", "level", "tape measure", "toolbox", "tool box", "tool kit", "toolkit", "tool",
        "tools", "tool belt", "workbench", "ladder", "step ladder", "stepladder", "lawn mower", "lawnmower", "mower",
        "leaf blower", "hedge trimmer", "weed eater", "weed whacker", "pressure washer", "power washer",
        "soldering iron", "glue gun", "hot glue gun", "nail gun", "staple gun", "clamp", "vise", "multimeter",
        "compressor", "air compressor", "generator", "shovel", "rake", "hoe", "wheelbarrow", "garden hose", "hose",
        "pruners", "shears", "crowbar", "chisel", "sewing machine", "3d printer", "stud finder", "utility knife",
        "multitool", "multi-tool", "jack", "car jack", "torch", "extension cord", "work light",
    ),
    "Outdoor_Gear": (
        "tent", "camping tent", "sleeping bag", "sleeping pad", "camping stove", "camp stove", "camping chair",
        "lantern", "headlamp", "flashlight", "cooler", "hiking backpack", "camping backpack", "hiking pole",
        "trekking pole", "hiking boots", "kayak", "canoe", "paddle", "paddleboard", "paddle board", "sup",
        "life jacket", "fishing rod", "fishing pole", "tackle box", "fishing reel", "hammock", "grill", "bbq",
        "barbecue", "smoker", "fire pit", "patio umbrella", "binoculars", "compass", "gps", "skis", "ski", "snowboard",
        "ski boots", "snowshoes", "sled", "climbing harness", "harness", "carabiner", "climbing rope", "climbing shoes",
        "wetsuit", "surfboard", "bodyboard", "snorkel", "scuba", "dry bag", "water filter", "bear spray",
        "picnic blanket", "camping gear", "camping", "outdoor gear",
    ),
    "Fitness_Equipment": (
        "dumbbell", "adjustable dumbbells", "kettlebell", "barbell", "weight plate", "weights", "weight bench",
        "bench press", "squat rack", "power rack", "yoga mat", "yoga block", "exercise mat", "treadmill",
        "exercise bike", "stationary bike", "spin bike", "peloton", "rowing machine", "rower", "elliptical",
        "resistance band", "resistance bands", "pull-up bar", "pullup bar", "jump rope", "skipping rope", "foam roller",
        "ab roller", "ab wheel", "medicine ball", "exercise ball", "stability ball", "punching bag", "boxing gloves",
        "weightlifting belt", "gym equipment", "home gym", "stepper", "balance board", "trx", "battle rope",
        "weighted vest", "ankle weights", "hand grip", "massage ball", "fitness", "peloton bike", "racket", "racquet",
        "tennis racket", "badminton", "golf clubs", "golf club", "baseball bat", "basketball", "football",
        "soccer ball", "volleyball", "hockey stick", "ping pong", "table tennis", "shin guards", "sports equipment",
    ),
    "Toys_Games": (
        "toy", "lego", "lego set", "board game", "card game", "game", "puzzle", "jigsaw puzzle", "doll", "dollhouse",
        "action figure", "figure", "stuffed animal", "plush", "plushie", "teddy bear", "teddy", "nintendo",
        "nintendo switch", "switch lite", "playstation", "ps4", "ps5", "xbox", "game console", "console", "video game",
        "gameboy", "game boy", "controller", "chess set", "chess", "checkers", "monopoly", "scrabble", "uno", "jenga",
        "dominoes", "deck of cards", "playing cards", "rubik's cube", "yo-yo", "kite", "frisbee", "water gun", "nerf",
        "nerf gun", "rc car", "remote control car", "toy car", "train set", "model train", "hot wheels", "barbie",
        "play-doh", "slime", "marbles", "building blocks", "blocks", "rocking horse", "trampoline", "swing set",
        "sandbox", "sidewalk chalk", "pokemon cards", "trading cards", "baseball cards", "dungeons and dragons",
        "warhammer", "skateboard", "roller skates", "rollerblades",
    ),
    "Pet_Supplies": (
        "dog bed", "cat bed", "pet bed", "dog crate", "crate", "kennel", "cat tree", "scratching post", "cat tower",
        "litter box", "litter", "cat litter", "leash", "dog leash", "collar", "harness for", "dog food", "cat food",
        "pet food", "kibble", "dog bowl", "pet bowl", "food bowl", "water bowl", "aquarium", "fish tank", "terrarium",
        "bird cage", "birdcage", "hamster cage", "cage", "pet carrier", "carrier", "dog toy", "cat toy", "chew toy",
        "pet toy", "pet fountain", "dog house", "doghouse", "pet gate", "dog gate", "grooming brush", "pet brush",
        "pet shampoo", "flea collar", "poop bags", "pet supplies",
    ),
    "Books_Media": (
        "book", "books", "novel", "paperback", "hardcover", "cookbook", "textbook", "notebook", "comic", "comic book",
        "graphic novel", "manga", "magazine", "journal", "encyclopedia", "dictionary", "atlas", "bible", "biography",
        "memoir", "audiobook", "ebook", "e-book", "dvd", "blu-ray", "bluray", "cd", "vinyl", "vinyl record", "record",
        "records", "lp", "album", "cassette", "vhs", "box set", "boxset", "book set", "series", "anthology", "poetry",
        "sheet music", "map",
    ),
    "Miscellaneous": (
        "umbrella", "water bottle", "bottle", "thermos", "flask", "mug", "cup", "tumbler", "travel mug", "lunchbox",
        "lunch box", "bento", "suitcase", "luggage", "carry-on", "duffel", "duffel bag", "pen", "fountain pen",
        "pencil", "stationery", "stapler", "planner", "calendar", "keychain", "key chain", "keys", "key ring",
        "lighter", "skillet", "frying pan", "pan", "pot", "pots and pans", "cookware", "dutch oven", "wok", "cutlery",
        "silverware", "knife", "knife set", "kitchen knife", "cutting board", "plate", "plates", "bowl", "dishes",
        "dinnerware", "glassware", "wine glass", "tupperware", "container", "storage box", "basket", "guitar",
        "acoustic guitar", "electric guitar", "bass guitar", "piano", "keyboard piano", "ukulele", "violin", "cello",
        "drum", "drums", "drum kit", "flute", "saxophone", "trumpet", "harmonica", "instrument", "sewing kit",
        "first aid kit", "tissues", "gift card", "candle lighter", "coaster", "tablecloth", "napkins", "whiteboard",
        "corkboard", "notepad", "desk organizer", "sewing box", "sewing basket", "jewelry box", "button", "bubble wrap",
        "knitting needle", "yarn",
    ),
    "Other": (),
}
# fmt: on

# Words that, in front of the head noun, decide the type: a "dog bed" is pet gear, not furniture.
# fmt: off
PET_ANIMALS = (
    "dog", "puppy", "cat", "kitten", "kitty", "pet", "hamster", "rabbit", "bunny", "guinea pig", "parrot", "bird",
    "fish", "goldfish", "ferret", "tortoise", "turtle", "lizard", "gecko", "snake", "horse",
)
# fmt: on

TYPE_EMOJI: dict[str, str] = {
    "Clothing_Accessories": "👕",
    "Personal_Care_Items": "🧴",
    "Cleaning_Supplies": "🧹",
    "Furniture_Appliances": "🛋️",
    "Decor_Art": "🖼️",
    "Subscriptions_Licenses": "🧾",
    "Technology": "💻",
    "Vehicles": "🚗",
    "Tools_Equipment": "🧰",
    "Outdoor_Gear": "🏕️",
    "Fitness_Equipment": "🏋️",
    "Toys_Games": "🧸",
    "Pet_Supplies": "🐾",
    "Books_Media": "📚",
    "Miscellaneous": "🗃️",
    "Other": "📦",
}

# Finer emojis, chosen by the same matching as types so that "dog bed" gets a dog and "desk lamp" a bulb.
# fmt: off
EMOJI_KEYWORDS: dict[str, tuple[str, ...]] = {
    "👕": ("t-shirt", "tshirt", "shirt", "tee", "tank top", "polo", "clothes", "clothing"),
    "👚": ("blouse", "top"),
    "🧥": ("jacket", "coat", "parka", "blazer", "raincoat", "sweater", "jumper", "cardigan", "hoodie", "sweatshirt"),
    "👖": ("jeans", "pants", "trousers", "chinos", "leggings", "joggers", "sweatpants"),
    "🩳": ("shorts", "swim trunks"),
    "👗": ("dress", "gown", "skirt"),
    "🤵": ("suit", "tuxedo"),
    "👟": ("shoe", "sneaker", "trainer", "running shoe"),
    "👢": ("boot", "hiking boots"),
    "👠": ("heel",),
    "👡": ("sandal", "flip-flop"),
    "🧢": ("cap", "hat", "beanie"),
    "🧣": ("scarf",),
    "🧤": ("glove", "mitten"),
    "🧦": ("sock", "stockings", "tights"),
    "👔": ("tie",),
    "⌚": ("watch", "wristwatch", "smartwatch", "smart watch", "apple watch", "fitbit"),
    "🕶️": ("sunglasses",),
    "👓": ("glasses",),
    "👜": ("handbag", "purse", "clutch", "tote", "tote bag", "bag"),
    "👛": ("wallet",),
    "🎒": ("backpack", "hiking backpack", "camping backpack"),
    "💍": ("ring", "jewelry", "jewellery", "necklace", "bracelet", "earring", "pendant"),
    "👙": ("bikini", "swimsuit"),
    "🪥": ("toothbrush", "electric toothbrush", "toothpaste", "floss", "water flosser"),
    "💇": ("hair dryer", "hairdryer", "blow dryer", "hair straightener", "straightener", "curling iron"),
    "🪒": ("razor", "shaver", "trimmer", "beard trimmer", "epilator"),
    "🧴": ("perfume", "cologne", "shampoo", "conditioner", "lotion", "moisturizer", "sunscreen", "detergent"),
    "💄": ("makeup", "make-up", "lipstick", "mascara", "cosmetics"),
    "🧼": ("soap", "soap bar", "dish soap", "body wash"),
    "🧽": ("sponge", "scrub brush", "scrubber", "cleaning cloth", "microfiber cloth", "rag"),
    "🧹": ("mop", "broom", "vacuum", "vacuum cleaner", "robot vacuum", "carpet cleaner", "duster", "dustpan"),
    "🪣": ("bucket",),
    "🪑": ("chair", "desk chair", "office chair", "stool", "bench", "desk", "standing desk"),
    "🛋️": ("sofa", "couch", "loveseat", "armchair", "recliner", "sectional"),
    "🛏️": ("bed", "bed frame", "mattress", "crib", "bunk bed"),
    "💡": ("lamp", "floor lamp", "desk lamp", "fairy lights", "string lights"),
    "🧊": ("fridge", "refrigerator", "freezer"),
    "🍞": ("toaster",),
    "☕": (
        "coffee maker", "coffee machine", "espresso machine", "mug", "cup", "travel mug", "nespresso",
        "nespresso machine", "keurig",
    ),
    "🫖": ("kettle", "electric kettle"),
    "🌀": ("fan", "ceiling fan"),
    "🖼️": ("painting", "oil painting", "artwork", "art print", "poster", "canvas", "picture frame", "photo frame"),
    "🏺": ("vase", "pottery"),
    "🪴": (
        "plant", "houseplant", "monstera", "succulent", "cactus", "planter", "fig", "fiddle leaf fig", "pothos",
        "snake plant", "fern", "bonsai", "ficus",
    ),
    "🕯️": ("candle", "scented candle"),
    "🪞": ("mirror",),
    "🕰️": ("clock", "wall clock"),
    "🗿": ("sculpture", "statue"),
    "🔮": ("snow globe",),
    "🎬": ("netflix", "hulu", "disney+", "hbo", "hbo max", "youtube premium"),
    "🎵": ("spotify", "spotify premium", "apple music"),
    "🎟️": ("membership", "gym membership", "season pass", "season ticket", "annual pass", "museum pass"),
    "🔑": ("license", "licence", "software license", "keys", "keychain", "key chain", "key ring"),
    "💻": ("laptop", "macbook", "macbook pro", "macbook air", "chromebook", "computer", "gaming pc", "pc"),
    "🖥️": ("monitor", "desktop", "desktop computer", "imac"),
    "📱": ("phone", "smartphone", "iphone", "cell phone", "mobile phone", "tablet", "ipad"),
    "🎧": ("headphones", "headphone", "earbuds", "earphones", "airpods", "headset"),
    "🔊": ("speaker", "bluetooth speaker", "smart speaker", "soundbar"),
    "📺": ("tv", "television", "smart tv"),
    "📷": ("camera", "dslr", "dslr camera", "mirrorless camera", "gopro", "lens"),
    "⌨️": ("keyboard", "mechanical keyboard"),
    "🖱️": ("mouse",),
    "🖨️": ("printer", "3d printer"),
    "🎙️": ("microphone", "mic"),
    "🚲": ("bike", "bicycle", "road bike", "mountain bike", "e-bike", "ebike", "electric bike"),
    "🚗": ("car", "sedan", "hatchback", "suv", "tesla", "honda", "toyota", "civic", "corolla", "model 3"),
    "🏍️": ("motorcycle", "motorbike", "harley"),
    "🛴": ("scooter", "electric scooter"),
    "🛵": ("moped", "vespa"),
    "🛻": ("truck", "pickup truck"),
    "🚐": ("van", "minivan", "camper van", "rv"),
    "⛵": ("boat", "sailboat"),
    "🔨": ("hammer",),
    "🪛": ("screwdriver",),
    "🔧": ("wrench", "socket wrench", "socket set", "wrench set", "pliers"),
    "🪚": ("saw", "circular saw", "chainsaw", "table saw", "miter saw"),
    "🛠️": ("drill", "cordless drill", "power drill", "tool kit", "toolkit", "pressure washer", "power washer"),
    "🧰": ("toolbox", "tool box"),
    "🪜": ("ladder", "step ladder", "stepladder"),
    "🧵": ("sewing machine", "sewing kit", "sewing box", "sewing basket"),
    "⛺": ("tent", "camping tent"),
    "🛶": ("kayak", "canoe", "paddle", "paddleboard"),
    "🎣": ("fishing rod", "fishing pole", "tackle box", "fishing reel"),
    "🔥": ("grill", "bbq", "barbecue", "fire pit", "camping stove", "camp stove"),
    "🎿": ("skis", "ski", "ski boots"),
    "🏂": ("snowboard",),
    "🏄": ("surfboard", "paddle board"),
    "🔦": ("flashlight", "headlamp", "lantern", "torch"),
    "🏋️": ("dumbbell", "adjustable dumbbells", "kettlebell", "barbell", "weights", "weight bench", "squat rack"),
    "🧘": ("yoga mat", "yoga block", "exercise mat"),
    "🏃": ("treadmill",),
    "🚴": ("exercise bike", "stationary bike", "spin bike", "peloton"),
    "🚣": ("rowing machine", "rower"),
    "🥊": ("punching bag", "boxing gloves"),
    "🪢": ("jump rope", "skipping rope", "resistance band", "resistance bands", "battle rope"),
    "🧱": ("lego", "lego set", "building blocks", "blocks"),
    "🧩": ("puzzle", "jigsaw puzzle"),
    "🧸": ("teddy bear", "teddy", "stuffed animal", "plush", "plushie", "toy"),
    "🎲": ("board game", "dice", "monopoly", "scrabble"),
    "🃏": ("card game", "playing cards", "deck of cards", "uno", "pokemon cards", "trading cards"),
    "♟️": ("chess", "chess set", "checkers"),
    "🎮": (
        "nintendo", "nintendo switch", "playstation", "ps4", "ps5", "xbox", "game console", "console", "video game",
        "controller", "gameboy",
    ),
    "🪆": ("doll", "barbie"),
    "🪁": ("kite",),
    "🛹": ("skateboard",),
    "🐠": ("aquarium", "fish tank", "fish", "goldfish"),
    "🐦": ("bird cage", "birdcage", "bird", "parrot"),
    "🐹": ("hamster", "hamster cage", "guinea pig"),
    "🐰": ("rabbit", "bunny"),
    "🐶": ("dog", "puppy", "dog bed", "dog crate", "dog leash", "kennel", "leash", "dog food"),
    "🐱": ("cat", "kitten", "kitty", "cat tree", "scratching post", "litter box", "cat litter", "cat food"),
    "📕": ("novel", "paperback", "hardcover", "textbook", "cookbook", "notebook", "journal"),
    "📚": ("book", "books", "book set", "box set", "encyclopedia", "comic book", "comic", "manga"),
    "📰": ("magazine", "newspaper"),
    "💿": ("cd", "dvd", "blu-ray", "album"),
    "📀": ("vinyl", "vinyl record", "record", "records", "lp", "record player", "turntable"),
    "🎸": ("guitar", "acoustic guitar", "electric guitar", "bass guitar", "ukulele"),
    "🎹": ("piano", "keyboard piano"),
    "🎻": ("violin", "cello"),
    "🥁": ("drum", "drums", "drum kit"),
    "🎺": ("trumpet", "saxophone"),
    "☂️": ("umbrella",),
    "🍶": ("water bottle", "bottle", "thermos", "flask"),
    "🧳": ("suitcase", "luggage", "carry-on"),
    "🖊️": ("pen", "fountain pen"),
    "✏️": ("pencil",),
    "🍳": ("skillet", "frying pan", "pan", "pots and pans", "cookware", "wok", "dutch oven"),
    "🔪": ("knife", "knife set", "kitchen knife", "cutting board"),
    "🍽️": ("plate", "plates", "dishes", "dinnerware", "cutlery", "silverware"),
    "🎁": ("gift card",),
    "🪨": ("rock", "stone"),
    "🍯": ("jam", "honey"),
    "🧶": ("rug", "carpet", "yarn", "quilt", "blanket", "knitted blanket"),
    "🏕️": ("sleeping bag", "sleeping pad", "hammock", "camping gear", "camping chair"),
    "🍷": ("wine glass", "glassware"),
    "🪝": ("coat rack", "hat stand", "hook"),
    "🛡️": ("insurance", "car insurance", "warranty", "extended warranty", "antivirus", "vpn"),
    "📖": ("kindle", "e-reader", "kindle paperwhite"),
    "🌿": (
        "hedge trimmer", "leaf blower", "lawn mower", "lawnmower", "mower", "garden hose", "rake", "shovel", "pruners",
    ),
    "🌡️": ("thermostat", "smart thermostat"),
    "🔋": ("battery", "laptop battery", "power bank", "car battery"),
    "🔌": ("charger", "extension cord", "power strip", "cable"),
    "🍲": (
        "pot", "dutch oven", "slow cooker", "crockpot", "crock-pot", "instant pot", "pressure cooker", "rice cooker",
    ),
    "📋": ("whiteboard", "corkboard", "planner", "notepad"),
    "🥣": ("bowl", "mixing bowl"),
    "🧺": ("washing machine", "washer", "dryer", "tumble dryer", "front loader", "top loader", "laundry basket"),
    "⛳": ("golf clubs", "golf club"),
    "🎾": ("racket", "racquet", "tennis racket"),
}
# fmt: on


@dataclass(frozen=True)
class _Keyword:
    """One keyword phrase, compiled to match on word boundaries in singular or plural."""

    phrase: str
    label: str
    pattern: re.Pattern[str]

    @property
    def word_count(self) -> int:
        return len(re.split(r"[\s-]+", self.phrase))


def _plural_suffix(word: str) -> str:
    if re.search(r"[^aeiou]y$", word):
        return word[:-1] + "(?:y|ies)"
    if re.search(r"(?:s|x|z|ch|sh)$", word):
        return re.escape(word) + "(?:es)?"
    if word.endswith("fe"):
        return word[:-2] + "(?:fe|ves)"
    return re.escape(word) + "s?"


def _compile_keyword(phrase: str, label: str) -> _Keyword:
    words = re.split(r"[\s-]+", phrase)
    body = r"[\s-]*".join([re.escape(word) for word in words[:-1]] + [_plural_suffix(words[-1])])
    return _Keyword(phrase, label, re.compile(rf"(?<![\w'+]){body}(?![\w+])", re.IGNORECASE))


def _compile_table(table: dict[str, tuple[str, ...]]) -> list[_Keyword]:
    return [_compile_keyword(phrase, label) for label, phrases in table.items() for phrase in phrases]


_TYPE_KEYWORDS = _compile_table(TYPE_KEYWORDS)
_EMOJI_KEYWORDS = _compile_table(EMOJI_KEYWORDS)
_PET_ANIMAL_PATTERN = re.compile(
    r"(?<![\w'])(?:" + "|".join(_plural_suffix(animal) for animal in PET_ANIMALS) + r")(?:'s)?(?!\w)", re.IGNORECASE
)


def _without_accents(text: str) -> str:
    return "".join(char for char in unicodedata.normalize("NFKD", text) if not unicodedata.combining(char))


def _best_keyword(text: str, keywords: Iterable[_Keyword]) -> _Keyword | None:
    """The keyword that best describes `text`: the longest phrase, then the one nearest the end (the head noun).
    Accents do not matter ("Pokémon Cards" are pokemon cards)."""
    text = _without_accents(text)
    best: tuple[int, int] | None = None
    best_keyword = None
    for keyword in keywords:
        for match in keyword.pattern.finditer(text):
            score = (keyword.word_count, match.end())
            if best is None or score > best:
                best, best_keyword = score, keyword
    return best_keyword


def _pet_modifier(name: str) -> str | None:
    """The pet animal named in front of the head noun ("dog" in "dog bed"), if any."""
    words = name.split()
    if len(words) < 2:
        return None
    match = _PET_ANIMAL_PATTERN.search(" ".join(words[:-1]))
    return match.group(0).lower().removesuffix("'s") if match else None


_SUBSCRIPTION_CUE = re.compile(
    r"\b(?:subscribed|subscribing|signed\s+up|sign\s+up|renewed|renewing|per\s+month|a\s+month|monthly|annual\s+plan"
    r"|yearly\s+plan|free\s+trial)\b",
    re.IGNORECASE,
)


def classify_item_type(name: str | None, prompt: str) -> str:
    """The item type for a name, falling back to the whole prompt; "Other" when nothing is recognised."""
    if name:
        if _pet_modifier(name):
            return "Pet_Supplies"
        keyword = _best_keyword(name, _TYPE_KEYWORDS)
        if keyword:
            return keyword.label
    keyword = _best_keyword(prompt, _TYPE_KEYWORDS)
    if keyword:
        return keyword.label
    if _SUBSCRIPTION_CUE.search(prompt):
        return "Subscriptions_Licenses"  # "signed up for ClassPass": an unknown service, but clearly a subscription
    return "Other"


def choose_emoji(name: str | None, item_type: str) -> str:
    """An emoji for the item: the most specific keyword in its name, else the default for its type."""
    if name:
        animal = _pet_modifier(name)
        if animal:
            keyword = _best_keyword(animal, _EMOJI_KEYWORDS)
            if keyword:
                return keyword.label
        keyword = _best_keyword(name, _EMOJI_KEYWORDS)
        if keyword:
            return keyword.label
    return TYPE_EMOJI.get(item_type, TYPE_EMOJI["Other"])


# ---------------------------------------------------------------------------------------------------------------------
# Status
# ---------------------------------------------------------------------------------------------------------------------
_DONATE_VERB = re.compile(r"\bdonat(?:e|ed|es|ing|ion)\b", re.IGNORECASE)
# A charity named as a destination ("at Goodwill", "to the shelter"), not as a source ("from the shelter").
_CHARITY_PLACE = re.compile(
    r"\b(?P<preposition>to|at|for|into|with|from)\s+(?:(?:the|a|an|our|my|local)\s+)?(?:[\w']+\s+){0,2}?"
    r"(?:charity|charities|goodwill|thrift(?:\s+(?:store|shop))?|salvation\s+army|(?:animal\s+|homeless\s+|women's\s+)?"
    r"shelter|food\s+bank|op\s+shop|donation\s+(?:bin|box|center|centre))\b",
    re.IGNORECASE,
)
_GIVE_VERB = re.compile(
    r"\b(?:gave|give|gives|giving|given|gift|gifted|gifting|hand(?:ed|ing|s)?(?!-)(?=[^,.;!?]*\b(?:down|over|on|off|to)\b)"
    r"|pass(?:ed|ing)?\s+(?:on|down|along)|regift(?:ed|ing)?)\b(?P<after>(?:\s+[\w']+){0,2})",
    re.IGNORECASE,
)
# "gave me", "gifted to me", "a gift from": the user received the item rather than gave it.
_RECEIVED_OBJECT = re.compile(r"^\s+(?:to\s+)?(?:me|us|myself|ourselves)\b|^\s+from\b", re.IGNORECASE)
# "passed along her sewing machine to me": the recipient comes later in the same clause.
_TO_ME_LATER = re.compile(r"^[^,.;!?]*?\bto\s+(?:me|us)\b", re.IGNORECASE)


def classify_status(prompt: str) -> str:
    """Keep, Give or Donate, from the verbs and destinations in the prompt."""
    if _DONATE_VERB.search(prompt):
        return "Donate"
    if any(match.group("preposition").lower() != "from" for match in _CHARITY_PLACE.finditer(prompt)):
        return "Donate"
    for match in _GIVE_VERB.finditer(prompt):
        received = _RECEIVED_OBJECT.match(match.group("after")) or _TO_ME_LATER.match(prompt[match.end() :])
        if not received and not _follows_as_a(prompt, match.start()):
            return "Give"
    return "Keep"


def _follows_as_a(prompt: str, position: int) -> bool:
    """True for "got it as a Father's Day gift": a gift the user received."""
    return bool(re.search(r"\b(?:as|was|were|is)\s+(?:an?\s+)?(?:[\w']+\s+){0,3}$", prompt[:position], re.IGNORECASE))


# ---------------------------------------------------------------------------------------------------------------------
# Numbers and durations shared by dates and goals
# ---------------------------------------------------------------------------------------------------------------------
# fmt: off
NUMBER_WORDS: dict[str, int] = {
    "a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9,
    "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14, "fifteen": 15, "sixteen": 16,
    "seventeen": 17, "eighteen": 18, "nineteen": 19, "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50,
    "a couple of": 2, "a couple": 2, "couple of": 2, "a few": 3, "few": 3, "several": 3,
}
# fmt: on
_NUMBER = (
    r"(?P<number>\d+(?:\.\d+)?|"
    + "|".join(re.escape(word).replace(r"\ ", r"\s+") for word in sorted(NUMBER_WORDS, key=len, reverse=True))
    + r")"
)
_UNIT = r"(?P<unit>day|week|fortnight|month|year|decade)s?"
_HALF = r"(?P<half>\s+and\s+a\s+half)?"


MAX_NUMBER = 1_000_000  # "for 10^309 years" is read as this many (a goal caps at 1200 months, a date fails)


def _number_value(text: str) -> float:
    text = re.sub(r"\s+", " ", text.lower())
    if not text[0].isdigit():
        return float(NUMBER_WORDS[text])
    whole = text.split(".")[0]
    return float(MAX_NUMBER) if len(whole) > len(str(MAX_NUMBER)) else min(float(text), MAX_NUMBER)


def _months_in(number: float, unit: str) -> float:
    days = {"day": 1, "week": 7, "fortnight": 14}
    per_unit = (
        days[unit.lower()] / 30.4 if unit.lower() in days else {"month": 1, "year": 12, "decade": 120}[unit.lower()]
    )
    return number * per_unit


# fmt: off
MONTH_NUMBERS: dict[str, int] = {
    "january": 1, "jan": 1, "february": 2, "feb": 2, "march": 3, "mar": 3, "april": 4, "apr": 4, "may": 5, "june": 6,
    "jun": 6, "july": 7, "jul": 7, "august": 8, "aug": 8, "september": 9, "sept": 9, "sep": 9, "october": 10, "oct": 10,
    "november": 11, "nov": 11, "december": 12, "dec": 12,
}
# fmt: on
_MONTH = r"(?P<month>" + "|".join(sorted(MONTH_NUMBERS, key=len, reverse=True)) + r")\.?"
WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
_PAST_PREPOSITION = r"(?:(?:back\s+)?(?:in|since|during|from|around)\s+(?:the\s+year\s+)?)"
_SEASON_PART = r"(?:(?:early|late|mid)[\s-]+)?"


# ---------------------------------------------------------------------------------------------------------------------
# Received dates
# ---------------------------------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class _Found:
    """A phrase found in the prompt: where it is (to hide it from the name) and what it means (None: unusable)."""

    start: int
    end: int
    value: date | int | None


def _safe_date(year: int, month: int, day: int) -> date | None:
    try:
        return date(year, month, day)
    except ValueError:
        return None


def _last_christmas(today: date) -> date:
    christmas = date(today.year, 12, 25)
    return christmas if christmas <= today else date(today.year - 1, 12, 25)


def _most_recent_month_start(month: int, today: date) -> date:
    return date(today.year if month <= today.month else today.year - 1, month, 1)


def _most_recent_weekday(weekday: str, today: date) -> date:
    days_back = (today.weekday() - WEEKDAYS.index(weekday.lower())) % 7 or 7
    return today - timedelta(days=days_back)


def _years_ago(match: re.Match[str], today: date) -> date:
    months = _months_in(_number_value(match["number"]) + (0.5 if match["half"] else 0), match["unit"])
    if match["unit"].lower() in ("day", "week", "fortnight"):
        return today - timedelta(days=round(months * 30.4))
    return today - relativedelta(months=round(months))


# Each pattern resolves to a date given today's date. Earlier patterns win where phrases overlap. Where a pattern has a
# group named "phrase", only that part is hidden from the item name ("had [my couch] for 3 years").
DateResolver = Callable[[re.Match[str], date], date | None]
_DATE_PATTERNS: list[tuple[re.Pattern[str], DateResolver]] = [
    (
        re.compile(r"\b(?:on\s+)?(?P<year>\d{4})-(?P<month>\d{1,2})-(?P<day>\d{1,2})\b"),
        lambda m, today: _safe_date(int(m["year"]), int(m["month"]), int(m["day"])),
    ),
    (  # numeric dates are US order, month first, as the web app writes them
        re.compile(r"\b(?:on\s+)?(?P<month>\d{1,2})/(?P<day>\d{1,2})/(?P<year>\d{4})\b"),
        lambda m, today: _safe_date(int(m["year"]), int(m["month"]), int(m["day"])),
    ),
    (
        re.compile(
            rf"\b(?:on\s+)?{_MONTH}\s+(?P<day>\d{{1,2}})(?:st|nd|rd|th)?,?\s+(?P<year>\d{{4}})\b", re.IGNORECASE
        ),
        lambda m, today: _safe_date(int(m["year"]), MONTH_NUMBERS[m["month"].lower()], int(m["day"])),
    ),
    (
        re.compile(
            rf"\b(?:on\s+)?(?:the\s+)?(?P<day>\d{{1,2}})(?:st|nd|rd|th)?\s+(?:of\s+)?{_MONTH},?\s+(?P<year>\d{{4}})\b",
            re.IGNORECASE,
        ),
        lambda m, today: _safe_date(int(m["year"]), MONTH_NUMBERS[m["month"].lower()], int(m["day"])),
    ),
    (
        re.compile(rf"\b{_PAST_PREPOSITION}?{_SEASON_PART}{_MONTH},?\s+(?:of\s+)?(?P<year>\d{{4}})\b", re.IGNORECASE),
        lambda m, today: _safe_date(int(m["year"]), MONTH_NUMBERS[m["month"].lower()], 1),
    ),
    (
        re.compile(r"\b(?:(?:for|on|at|over)\s+)?christmas(?:\s+day)?\s+(?:of\s+)?(?P<year>\d{4})\b", re.IGNORECASE),
        lambda m, today: _safe_date(int(m["year"]), 12, 25),
    ),
    (
        re.compile(r"\b(?:(?:for|on|at|over)\s+)?christmas(?:\s+day)?\s+last\s+year\b", re.IGNORECASE),
        lambda m, today: date(today.year - 1, 12, 25),
    ),
    (
        # A bare "Christmas" in front of a noun names a kind of thing ("Christmas decorations"), not a date.
        re.compile(
            r"\b(?:(?:(?:for|on|at|over)\s+)?last\s+|(?:for|on|at|over)\s+)(?:christmas|xmas)(?:\s+day)?\b"
            r"|\b(?:christmas|xmas)(?:\s+day)?\b(?!\s+(?!(?:and|from|as|when|this|last|present|gift)\b)[a-z])",
            re.IGNORECASE,
        ),
        lambda m, today: _last_christmas(today),
    ),
    (
        re.compile(r"\b(?:on\s+)?the\s+day\s+before\s+yesterday\b", re.IGNORECASE),
        lambda m, today: today - timedelta(days=2),
    ),
    (
        re.compile(r"\byesterday(?:\s+(?:morning|afternoon|evening|night))?\b", re.IGNORECASE),
        lambda m, today: today - timedelta(days=1),
    ),
    (re.compile(r"\blast\s+night\b", re.IGNORECASE), lambda m, today: today - timedelta(days=1)),
    # Future phrases are found so that they are kept out of the name, and then dropped as dates.
    (
        re.compile(
            r"\b(?:tomorrow|next\s+(?:week|month|year|weekend)|later\s+this\s+(?:week|month|year))\b", re.IGNORECASE
        ),
        lambda m, today: today + timedelta(days=1),
    ),
    (
        re.compile(r"\b(?:earlier\s+)?(?:today|tonight|this\s+(?:morning|afternoon|evening))\b", re.IGNORECASE),
        lambda m, today: today,
    ),
    (
        re.compile(
            rf"\b(?:about\s+|around\s+|roughly\s+|almost\s+|nearly\s+|over\s+|just\s+|exactly\s+)?"
            rf"{_NUMBER}\s+{_UNIT}{_HALF}\s+(?:ago|back|before\s+now)\b",
            re.IGNORECASE,
        ),
        _years_ago,
    ),
    (
        re.compile(
            rf"\b(?:had|owned|(?:'ve|have|has)\s+(?:been\s+)?(?:using|used|wearing|worn|driving|driven|riding|ridden|kept"
            rf"|keeping))\s+(?:[\w'-]+\s+){{0,6}}?(?P<phrase>for\s+(?:the\s+(?:past|last)\s+)?"
            rf"(?:about\s+|around\s+|almost\s+|nearly\s+|over\s+)?{_NUMBER}\s+{_UNIT}{_HALF})\b",
            re.IGNORECASE,
        ),
        _years_ago,
    ),
    (
        re.compile(r"\blast\s+(?P<unit>week|month|year)\b", re.IGNORECASE),
        lambda m, today: today - relativedelta(**{f"{m['unit'].lower()}s": 1}),
    ),
    (
        re.compile(rf"\b(?:on\s+|last\s+)(?P<weekday>{'|'.join(WEEKDAYS)})\b", re.IGNORECASE),
        lambda m, today: _most_recent_weekday(m["weekday"], today),
    ),
    (
        re.compile(rf"\b{_PAST_PREPOSITION}{_SEASON_PART}(?P<year>(?:19|20)\d\d)\b", re.IGNORECASE),
        lambda m, today: date(int(m["year"]), 1, 1),
    ),
    (
        re.compile(rf"\b{_PAST_PREPOSITION}{_SEASON_PART}{_MONTH}(?!\s*\d)\b", re.IGNORECASE),
        lambda m, today: _most_recent_month_start(MONTH_NUMBERS[m["month"].lower()], today),
    ),
]

# Verbs after which a date tells when the user got the item, as opposed to when they gave it away.
_RECEIVE_VERB = re.compile(
    r"\b(?:bought|buy|got|gotten|get|purchased|received|ordered|picked\s+up|found|had|have|owned|inherited|won"
    r"|adopted|subscribed|signed\s+up|renewed)\b",
    re.IGNORECASE,
)


def _overlaps(start: int, end: int, taken: list[_Found]) -> bool:
    return any(start < found.end and found.start < end for found in taken)


def find_dates(prompt: str, today: date) -> list[_Found]:
    """Every date phrase in the prompt, in reading order; the value is None when the date is invalid or future."""
    found: list[_Found] = []
    for pattern, resolve in _DATE_PATTERNS:
        for match in pattern.finditer(prompt):
            start, end = match.span("phrase") if "phrase" in pattern.groupindex else match.span()
            if _overlaps(start, end, found):
                continue
            try:
                value = resolve(match, today)
            except (ValueError, OverflowError):  # "3000 years ago", "christmas 0000": no such date
                value = None
            found.append(_Found(start, end, value if value is not None and value <= today else None))
    return sorted(found, key=lambda item: item.start)


def choose_received_date(prompt: str, dates: list[_Found], status: str) -> date | None:
    """The first usable date; for a gift or donation only one said of getting the item, not of giving it away."""
    for found in dates:
        if not isinstance(found.value, date):
            continue
        if status != "Keep" and not _RECEIVE_VERB.search(prompt[: found.start]):
            continue
        return found.value
    return None


# ---------------------------------------------------------------------------------------------------------------------
# Ownership goals
# ---------------------------------------------------------------------------------------------------------------------
_QUANTIFIER = r"(?:(?:at\s+least|a\s+minimum\s+of|minimum\s+of|minimum|the\s+next|another|around|about|roughly|up\s+to"
_QUANTIFIER += r"|over|more\s+than|no\s+less\s+than|a\s+good|a\s+solid)\s+)?"
_DURATION = rf"{_QUANTIFIER}{_NUMBER}\s+(?:more\s+|extra\s+|additional\s+)?{_UNIT}{_HALF}"
_GOAL_CONTEXT = re.compile(
    r"\b(?:keep|keeps|keeping|kept|use|using|plan|plans|planning|want|wants|wanted|hope|hoping|goal|aim|aiming"
    r"|intend|intending|commit|committing|committed|drive|driving|wear|wearing|own|owning|hold|last|lasts"
    r"|expect|expecting|try|trying|going\s+to|gonna|will|i'll|should|target)\b",
    re.IGNORECASE,
)
# "for a lifetime" is a goal; "a lifetime Plex Pass" is a product.
_FOREVER = re.compile(
    r"\b(?:forever|for\s+ever|for\s+life|for\s+good|until\s+i\s+die|(?:for\s+)?the\s+rest\s+of\s+my\s+life"
    r"|(?:for|last|lasts)\s+a\s+lifetime(?!\s+(?-i:[A-Z])|\s+(?:pass|membership|licen[cs]e|subscription|warranty"
    r"|guarantee|supply)\b))\b",
    re.IGNORECASE,
)
_GOAL_PATTERNS: list[tuple[re.Pattern[str], bool]] = [
    # (pattern, needs a goal word elsewhere in the prompt)
    (
        re.compile(
            rf"\bgoal\s*(?:of|is|:|=)?\s*(?:to\s+\w+\s+(?:it\s+|them\s+)?)?(?:for\s+)?{_DURATION}", re.IGNORECASE
        ),
        False,
    ),
    (
        re.compile(
            rf"\b(?:last|lasts|lasting|(?:keep|keeping|use|using|drive|driving|ride|riding|wear|wearing|own|owning"
            rf"|have|having|stick(?:ing)?\s+with|hold(?:ing)?\s+on\s+to)(?:\s+(?:it|them|this|one))?)\s+{_DURATION}",
            re.IGNORECASE,
        ),
        False,
    ),
    (re.compile(rf"\bfor\s+{_DURATION}", re.IGNORECASE), True),
    (re.compile(r"\b(?:half\s+a\s+year)\b", re.IGNORECASE), True),
]


def _goal_months(match: re.Match[str]) -> int:
    if "number" not in match.re.groupindex:
        return 6  # "half a year"
    months = _months_in(_number_value(match["number"]) + (0.5 if match["half"] else 0), match["unit"])
    return min(max(round(months), 1), MAX_GOAL_MONTHS)


def find_goal(prompt: str, taken: list[_Found]) -> _Found | None:
    """How long the user means to keep the item, in months, ignoring phrases already read as dates."""
    found: list[_Found] = []
    for match in _FOREVER.finditer(prompt):
        if not _overlaps(*match.span(), taken):
            found.append(_Found(*match.span(), MAX_GOAL_MONTHS))
    has_context = bool(_GOAL_CONTEXT.search(prompt))
    for pattern, needs_context in _GOAL_PATTERNS:
        if needs_context and not has_context:
            continue
        for match in pattern.finditer(prompt):
            if not _overlaps(*match.span(), taken + found):
                found.append(_Found(*match.span(), _goal_months(match)))
    return min(found, key=lambda item: item.start) if found else None


# ---------------------------------------------------------------------------------------------------------------------
# Item names
# ---------------------------------------------------------------------------------------------------------------------
_TOKEN = re.compile(r"[A-Za-z0-9+]+(?:['-][A-Za-z0-9+]+)*'?|[^\sA-Za-z0-9]")

ARTICLES = {"a", "an", "the", "some", "any", "this", "that", "these", "those", "another"}
POSSESSIVES = {"my", "our", "your", "his", "her", "their", "its", "mine"}
OBJECT_PRONOUNS = {"me", "us", "myself", "ourselves", "him", "her", "them", "you", "yourself"}
EMPTY_OBJECTS = {"it", "one", "something", "stuff", "everything", "them", "things", "this", "that", "these", "those"}
# "an armchair someone left on the curb": a new subject ends the item's name.
SUBJECT_PRONOUNS = {"someone", "somebody", "everyone", "nobody", "anyone", "we", "they", "he", "she", "i"}
# "a 10 lb bag of kibble": a measure after a number is a quantity, not part of the name.
# fmt: off
MEASURE_UNITS = {
    "cm", "feet", "foot", "ft", "g", "gallon", "gallons", "gram", "grams", "inch", "inches", "kg", "kilo", "kilos", "l",
    "lb", "lbs", "liter", "liters", "litre", "litres", "ml", "ounce", "ounces", "oz", "pcs", "pound", "pounds",
}
# fmt: on
# "replaced our washing machine with an LG front loader": the new item comes after the preposition.
REPLACING_VERBS = {"replaced": "with", "replacing": "with", "swapped": "for", "upgraded": "to", "upgrading": "to"}
# "the keys to her Subaru", "a great deal on a Canon lens": the item follows the preposition.
STAND_IN_NOUNS = {"keys": "to", "key": "to", "deal": "on", "bargain": "on", "discount": "on"}
PLACE_PREPOSITIONS = {"at", "to", "from", "in", "into", "on", "onto", "off", "by", "near", "inside", "outside"}
# Category words that a user often follows with the actual model.
GENERIC_NAMES = {"car", "bike", "phone", "laptop", "computer", "tv", "console", "truck", "camera", "tablet", "watch"}
# People are who gave or got the item, never the item itself.
# fmt: off
PEOPLE = {
    "aunt", "auntie", "baby", "boss", "boyfriend", "brother", "brother-in-law", "child", "children", "colleague",
    "cousin", "coworker", "dad", "daughter", "everyone", "family", "father", "father-in-law", "fiance", "fiancee",
    "flatmate", "friend", "friends", "girlfriend", "grandfather", "grandma", "grandmother", "grandpa", "grandparents",
    "granny", "husband", "kid", "kids", "mom", "mother", "mother-in-law", "mum", "neighbor", "neighbors", "neighbour",
    "neighbours", "nephew", "niece", "parent", "parents", "partner", "roommate", "sibling", "sister", "sister-in-law",
    "somebody", "someone", "son", "spouse", "stranger", "teacher", "uncle", "wife",
}
# fmt: on
# Words that add nothing to an item's name; colours, materials and kinds stay.
# fmt: off
FILLER_WORDS = {
    "actually", "already", "also", "amazing", "ancient", "awesome", "barely", "basically", "beautiful", "beloved",
    "big", "brand", "brand-new", "cheap", "comfy", "complete", "cool", "cosy", "cozy", "cute", "entire", "expensive",
    "extra", "fancy", "fav", "fave", "favorite", "favourite", "finally", "first", "free", "gently", "good", "gorgeous",
    "great", "hand-me-down", "hardly", "huge", "just", "late", "leftover", "lightly", "lil", "little", "lovely",
    "mostly", "new", "nice", "now", "old", "other", "outgrown", "own", "practically", "pre-owned", "preowned", "pretty",
    "probably", "quite", "really", "recently", "refurbished", "same", "second-hand", "secondhand", "slightly", "spare",
    "still", "such", "super", "then", "tiny", "trusted", "trusty", "unopened", "unused", "unwanted", "used", "very",
    "whole",
}
# fmt: on
QUANTITY_WORDS = {"couple", "few", "several", "many", "lots", "lot", "bunch", "pair", "set"} | (
    set(NUMBER_WORDS) - {"a", "an"}
)
# fmt: off
CONTAINER_WORDS = {
    "bag", "bags", "bar", "bars", "basket", "baskets", "bin", "bins", "bottle", "bottles", "box", "boxes", "bucket",
    "buckets", "bunch", "bundle", "bundles", "can", "cans", "carton", "cartons", "case", "cases", "collection",
    "collections", "couple", "crate", "crates", "drawer", "drawers", "few", "handful", "heap", "jar", "jars", "load",
    "loads", "lot", "lots", "pack", "packs", "pair", "pairs", "piece", "pieces", "pile", "piles", "rack", "racks",
    "roll", "rolls", "sack", "sacks", "set", "sets", "shelf", "shelves", "stack", "stacks", "tin", "tins", "tray",
    "trays", "tub", "tube", "tubes", "tubs",
}
# fmt: on
# Verbs whose object is the item: getting, keeping, giving away.
# fmt: off
ITEM_VERBS = {
    "acquired", "add", "added", "adding", "bought", "bring", "brought", "buy", "buying", "donate", "donated",
    "donating", "drop", "dropped", "dropping", "found", "gave", "get", "getting", "gift", "gifted", "gifting", "give",
    "given", "giving", "got", "gotten", "grabbed", "had", "hand", "handed", "handing", "hang", "hanging", "has", "have",
    "hold", "holding", "inherited", "keep", "keeping", "kept", "lent", "nabbed", "order", "ordered", "ordering", "own",
    "owned", "paid", "pass", "passed", "passing", "pay", "paying", "picked", "pre-ordered", "preordered", "purchase",
    "purchased", "purchasing", "receive", "received", "regifted", "renewed", "replaced", "replacing", "scored", "sell",
    "selling", "signed", "snagged", "sold", "splurged", "stocked", "subscribed", "swapped", "take", "taking", "took",
    "treated", "treating", "upgraded", "upgrading", "won",
}
# fmt: on
PARTICLES = {"up", "off", "down", "over", "away", "along", "back", "out", "in", "home"}
# "passed on my iPad", "hang on to the quilt": here "on" belongs to the verb.
ON_PARTICLE_VERBS = {"passed", "pass", "passing", "handed", "hand", "handing", "hang", "hanging", "hold", "holding"}
# "subscribed to Spotify", "paid for a Plex Pass": the object follows a preposition.
PREPOSITION_VERBS = {"subscribed", "splurged", "paid", "pay", "paying"}
PARTICLE_PREPOSITIONS = {"for", "to", "on", "with"}
# fmt: off
OTHER_VERBS = {
    "am", "are", "arrived", "arrives", "arriving", "be", "been", "being", "came", "can", "comes", "commit",
    "committing", "could", "decided", "delivered", "did", "do", "does", "drive", "drove", "going", "gonna", "hope",
    "hoped", "hoping", "intend", "is", "last", "lasted", "lasts", "left", "like", "liked", "love", "loved", "made",
    "make", "may", "might", "moving", "must", "need", "needed", "needs", "plan", "planned", "planning", "plans",
    "shall", "should", "still", "think", "thinking", "try", "trying", "use", "used", "using", "wanna", "want", "wanted",
    "wants", "was", "wear", "were", "will", "wore", "worn", "would",
}
# fmt: on
# fmt: off
STOP_WORDS = {
    "a", "about", "above", "after", "again", "ago", "also", "an", "and", "anymore", "as", "at", "away", "back",
    "because", "before", "behind", "below", "beneath", "beside", "but", "by", "down", "during", "either", "eventually",
    "ever", "for", "from", "he", "her", "here", "his", "i", "i'd", "i'll", "i'm", "i've", "if", "in", "into", "it",
    "it's", "just", "last", "later", "me", "my", "near", "never", "next", "now", "of", "off", "on", "onto", "or", "our",
    "out", "over", "per", "please", "recently", "she", "since", "so", "someday", "soon", "than", "that", "the", "their",
    "then", "there", "they", "they're", "this", "till", "to", "today", "tomorrow", "tonight", "too", "under", "until",
    "up", "very", "via", "we", "we're", "we've", "when", "where", "which", "while", "who", "whom", "whose", "with",
    "without", "yesterday", "yet", "you", "your",
}
# fmt: on
# fmt: off
NON_ITEM_OPENERS = {
    "are", "can", "could", "do", "does", "good", "hello", "help", "hey", "hi", "how", "how's", "is", "list", "no", "ok",
    "okay", "please", "show", "tell", "test", "testing", "thank", "thanks", "what", "what's", "whats", "when", "where",
    "who", "why", "would", "yes",
}
# fmt: on
# Minor words stay lower case inside a Title Case name.
MINOR_WORDS = {"and", "of", "with", "or", "for", "the", "a", "an", "in", "on"}
# fmt: off
ACRONYMS = {
    "4k", "bbq", "bmw", "cd", "diy", "dslr", "dvd", "gps", "gpu", "hbo", "hd", "hdmi", "led", "lp", "mp3", "nyc", "pc",
    "ps3", "ps4", "ps5", "rc", "rv", "ssd", "suv", "trx", "tv", "uk", "us", "usb", "vpn", "vr", "vw",
}
# fmt: on
# fmt: off
BRAND_SPELLINGS = {
    "iphone": "iPhone", "ipad": "iPad", "imac": "iMac", "ipod": "iPod", "macbook": "MacBook", "airpods": "AirPods",
    "playstation": "PlayStation", "youtube": "YouTube", "gopro": "GoPro", "airtag": "AirTag", "ebike": "eBike",
    "icloud": "iCloud", "chatgpt": "ChatGPT", "linkedin": "LinkedIn", "lego": "Lego", "nintendo": "Nintendo",
}
# fmt: on


def _is_verb(word: str) -> bool:
    return word in ITEM_VERBS or word in OTHER_VERBS


_MULTI_WORD_KEYWORDS = {keyword.phrase for keyword in _TYPE_KEYWORDS if keyword.word_count > 1}


def _completes_keyword_phrase(phrase: list[str], word: str) -> bool:
    return any(" ".join([*phrase[-length:], word]) in _MULTI_WORD_KEYWORDS for length in (1, 2, 3) if phrase)


def _is_participle(word: str) -> bool:
    return bool(re.fullmatch(r"[a-z]{3,}(?:ed|ing)", word)) and not _best_keyword(word, _TYPE_KEYWORDS)


def _looks_like_opening_verb(word: str) -> bool:
    """A sentence that opens with "Adopted ..." or "Moving ..." starts with a verb, not with the item."""
    return _is_verb(word) or _is_participle(word)


def _is_quantity_or_filler(word: str, previous_word: str, next_word: str) -> bool:
    """ "new", "three", "a 10 lb ...": words in front of a name that are not part of it."""
    if not next_word:
        return False  # the last word is the name itself, whatever it looks like
    if word in FILLER_WORDS or word.isdigit():
        return True
    if word in MEASURE_UNITS and previous_word.isdigit():
        return True
    return word in QUANTITY_WORDS and next_word not in STOP_WORDS


def _skip_to_noun(words: list[str], index: int) -> int:
    """Skip articles, possessives, quantities and containers ("a pair of", "three bags of") before the item."""
    after_determiner = False
    while index < len(words):
        word = words[index]
        next_word = words[index + 1] if index + 1 < len(words) else ""
        is_container = word in CONTAINER_WORDS or re.fullmatch(r"\d+-(?:pack|piece|pc|set|count)", word)
        if is_container and next_word == "of":
            index += 2
        elif is_container and next_word == "full" and words[index + 2 : index + 3] == ["of"]:
            index += 3  # "a drawer full of chargers"
        elif word in ARTICLES or word in POSSESSIVES:
            after_determiner = True
            index += 1
        elif _is_quantity_or_filler(word, words[index - 1] if index else "", next_word):
            index += 1
        elif re.search(r"'s$|s'$", word) and after_determiner and next_word:
            index += 1  # "my late grandmother's box" and "the kids' trampoline" name the box and the trampoline
        else:
            return index
    return index


def _noun_phrase(words: list[str], index: int) -> list[str]:
    """The words of the item name starting at `index`, up to the first word that cannot belong to a name."""
    phrase: list[str] = []
    while index < len(words):
        word = words[index]
        if not re.match(r"[a-z0-9]", word):
            break
        if word == "and" and phrase:
            next_word = words[index + 1] if index + 1 < len(words) else ""
            # "pots and pans" is one item; "a bike and plan to ride it" is not.
            if not next_word or next_word in STOP_WORDS or _is_verb(next_word) or not re.match(r"[a-z]", next_word):
                break
            phrase.append(word)
            index += 1
            continue
        if word in FILLER_WORDS:
            index += 1
            continue
        if word == "full" and phrase and words[index + 1 : index + 2] == ["of"]:
            break  # "an e-reader full of books" is the e-reader
        continues_keyword = _completes_keyword_phrase(phrase, word)  # "Xbox Game Pass": "pass" is not a verb here
        if not continues_keyword and (
            word in STOP_WORDS
            or _is_verb(word)
            or word in OBJECT_PRONOUNS
            or word in SUBJECT_PRONOUNS
            or word in NON_ITEM_OPENERS - {"good"}
        ):
            break
        following = words[index + 1] if index + 1 < len(words) else ""
        ends_clause = not re.match(r"[a-z0-9]", following) or following in STOP_WORDS or _is_verb(following)
        if phrase and _is_participle(word) and ends_clause and _best_keyword(" ".join(phrase), _TYPE_KEYWORDS):
            break  # "a Bosch dishwasher installed today": the head noun came before the participle
        phrase.append(word)
        index += 1
        if len(phrase) >= MAX_NAME_WORDS:
            break
    while phrase and phrase[-1] in MINOR_WORDS:
        phrase.pop()
    return phrase


def _is_empty_object(words: list[str], position: int) -> bool:
    """ "gave it to", "bought them": a pronoun stands for the item; "this dutch oven" is a determiner."""
    word = words[position]
    following = words[position + 1] if position + 1 < len(words) else ""
    if word not in EMPTY_OBJECTS:
        return False
    if word in {"this", "that", "these", "those"}:
        return not re.match(r"[a-z0-9]", following) or following in STOP_WORDS or _is_verb(following)
    return not (word == "them" and (following in ARTICLES or following in POSSESSIVES))


def _verb_objects(words: list[str]) -> list[list[str]]:
    """The noun phrase after each verb of getting, keeping or giving."""
    objects = []
    for index, word in enumerate(words):
        if word not in ITEM_VERBS:
            continue
        position = index + 1
        while position < len(words) and (
            words[position] in PARTICLES or (words[position] in {"on", "onto"} and word in ON_PARTICLE_VERBS)
        ):
            position += 1
        if position < len(words) and words[position] in PARTICLE_PREPOSITIONS and position > index + 1:
            position += 1  # "signed up for", "stocked up on", "hang on to"
        elif position < len(words) and words[position] in {"to", "for"} and word in PREPOSITION_VERBS:
            position += 1
        if position < len(words) and _is_empty_object(words, position):
            continue
        while position < len(words) and words[position] in OBJECT_PRONOUNS:
            position += 1
        if words[position : position + 1] == ["to"] and word in {"treated", "treating"}:
            position += 1  # "treated myself to"
        if word in REPLACING_VERBS and REPLACING_VERBS[word] in words[position : position + 8]:
            position = words.index(REPLACING_VERBS[word], position) + 1
        start = _skip_to_noun(words, position)
        phrase = _noun_phrase(words, start)
        if len(phrase) == 1 and words[start + 1 : start + 2] == [STAND_IN_NOUNS.get(phrase[0])]:
            phrase = _noun_phrase(words, _skip_to_noun(words, start + 2))  # "handed me the keys to her Subaru"
        elif phrase and set(phrase) <= PEOPLE:
            # "gifting my sister a Dyson Airwrap": the first object is who gets it, the second is the item.
            following = start + len(phrase)
            if following < len(words) and (words[following] in ARTICLES or words[following] in POSSESSIVES):
                phrase = _noun_phrase(words, _skip_to_noun(words, following))
        if phrase:
            objects.append(phrase)
    return objects


def _determined_phrases(words: list[str]) -> list[list[str]]:
    """Noun phrases anywhere after an article or possessive ("outgrew her bunk bed"), in reading order."""
    phrases = []
    for index, word in enumerate(words[:-1]):
        # "at the Goodwill donation bin" is where the item went, not the item.
        if index > 0 and words[index - 1] in PLACE_PREPOSITIONS:
            continue
        if word in ARTICLES or word in POSSESSIVES:
            phrase = _noun_phrase(words, _skip_to_noun(words, index + 1))
            if phrase:
                phrases.append(phrase)
    return phrases


def _leading_phrase(words: list[str]) -> list[str]:
    """The noun phrase a sentence opens with ("Red running shoes I got ..."), unless it opens with a verb."""
    index = _skip_to_noun(words, 0)
    if index >= len(words) or words[0] in NON_ITEM_OPENERS:
        return []
    # "scented" after "A set of" is an adjective; only the very first word can be an opening verb like "Adopted",
    # and not even that when it leads into a thing we recognise ("Hiking backpack ...", "Sewing machine ...").
    if _is_verb(words[index]):
        return []
    phrase = _noun_phrase(words, index)
    if index == 0 and _looks_like_opening_verb(words[index]):
        known_thing = len(phrase) > 1 and _best_keyword(" ".join(phrase), _TYPE_KEYWORDS) is not None
        return phrase if known_thing else []
    return phrase


def _first_content_words(words: list[str]) -> list[str]:
    """The first run of words that could name a thing, skipping destinations ("moving to a new city") and people."""
    index = 0
    while index < len(words):
        word = words[index]
        if word in PLACE_PREPOSITIONS:
            destination = _skip_to_noun(words, index + 1)
            index = destination + max(1, len(_noun_phrase(words, destination)))
            continue
        if re.match(r"[a-z]", word) and word not in EMPTY_OBJECTS:
            phrase = _noun_phrase(words, _skip_to_noun(words, index))
            if phrase and not PEOPLE.intersection(phrase) and not set(phrase) <= EMPTY_OBJECTS:
                return phrase
        index += 1
    return []


def _title_word(word: str, first: bool) -> str:
    lower = word.lower()
    if not first and lower in MINOR_WORDS:
        return lower
    if lower in ACRONYMS:
        return lower.upper()
    if lower in BRAND_SPELLINGS:
        return BRAND_SPELLINGS[lower]
    return "-".join(part[:1].upper() + part[1:] for part in lower.split("-"))


def title_case(words: list[str], original: dict[str, str], *, shouting: bool = False) -> str:
    """Title Case, keeping the user's own mixed case ("iPhone", "MacBook") and short capitals ("TV", "DSLR")."""
    titled = []
    for position, word in enumerate(words):
        typed = original.get(word, word)
        mixed_case = re.search(r"[a-z][A-Z]", typed)
        short_capitals = typed.isupper() and len(typed) <= 5 and not shouting
        keep_typed = (mixed_case or short_capitals) and word not in MINOR_WORDS
        titled.append(typed if keep_typed else _title_word(word, position == 0))
    return " ".join(titled)


def extract_name(prompt: str, hidden: list[_Found]) -> str | None:
    """The item's name, or None when the prompt names no item. Date and goal phrases are hidden first."""
    text = prompt
    for found in sorted(hidden, key=lambda item: item.start, reverse=True):
        text = text[: found.start] + " | " + text[found.end :]
    tokens = _TOKEN.findall(text)
    original = {token.lower(): token for token in tokens}
    words = [token.lower() for token in tokens]

    def is_item(phrase: list[str]) -> bool:
        return bool(phrase) and not PEOPLE.intersection(phrase)

    def is_known(phrase: list[str]) -> bool:
        # A recognised head noun makes "Microsoft 365 Family License" an item even though "family" names people.
        return bool(phrase) and phrase[-1] not in PEOPLE and _best_keyword(" ".join(phrase), _TYPE_KEYWORDS) is not None

    objects = _verb_objects(words)
    leading = _leading_phrase(words)
    mentions_getting = any(word in ITEM_VERBS for word in words)
    # Most trusted first: what the user got or gave, when we recognise it; then what the sentence opens with; then
    # any recognised thing; and only then unrecognised things the user says they got ("a lucky rock I found").
    # Last, a sentence that is only a description ("a jar of buttons I've been collecting") names what it opens
    # with, and failing all else the first words that can be a name at all.
    determined = _determined_phrases(words)
    describes = bool(words) and words[0] not in NON_ITEM_OPENERS  # not "what's the weather", "can you help"
    candidates = [
        *(phrase for phrase in objects if is_known(phrase)),
        *([leading] if is_known(leading) else []),
        *(phrase for phrase in determined if is_known(phrase)),
        *(phrase for phrase in objects if is_item(phrase)),
        *([leading] if mentions_getting and is_item(leading) else []),
        *([leading] if describes and is_item(leading) else []),
        *(phrase for phrase in determined if describes and is_item(phrase)),
        *([content] if describes and (content := _first_content_words(words)) else []),
    ]
    if not candidates:
        return None
    chosen = candidates[0]
    if len(chosen) == 1 and chosen[0] in GENERIC_NAMES:
        # "bought my first car!! A 2015 Mazda 3": the specific model named later is the better name.
        chosen_type = classify_item_type(chosen[0], "")
        more_specific = (
            phrase
            for phrase in candidates
            if phrase != chosen and classify_item_type(" ".join(phrase), "") == chosen_type
        )
        chosen = next(more_specific, chosen)
    return title_case(chosen, original, shouting=prompt.isupper())


# ---------------------------------------------------------------------------------------------------------------------
# The parser
# ---------------------------------------------------------------------------------------------------------------------
def _normalise(prompt: str) -> str:
    replacements = {"\u2019": "'", "\u2018": "'", "\u201c": '"', "\u201d": '"', "\u2013": "-", "\u2014": " - "}
    for typed, plain in replacements.items():
        prompt = prompt.replace(typed, plain)
    return re.sub(r"\s+", " ", prompt).strip()


def parse_prompt(prompt: str, today: date) -> ParsedItem:
    """Read one sentence about an item. Name, date and goal are None when not said; the rest always has a value."""
    stated = quick_add_fields(prompt, today)
    if stated is not None:
        return _parse_quick_add(stated)
    text = _normalise(prompt)
    status = classify_status(text)
    dates = find_dates(text, today)
    goal = find_goal(text, dates)
    name = extract_name(text, dates + ([goal] if goal else []))
    item_type = classify_item_type(name, text)
    return ParsedItem(
        name=name,
        item_type=item_type,
        status=status,
        item_received_date=choose_received_date(text, dates, status),
        ownership_duration_goal_months=goal.value if goal and isinstance(goal.value, int) else None,
        picture_url=choose_emoji(name, item_type),
    )


def _parse_quick_add(stated: dict[str, Any]) -> ParsedItem:
    """The web frontend's fixed-shape prompt: its fields as written, the type and emoji from the name alone."""
    name = stated["name"]
    item_type = classify_item_type(name, name or "")
    return ParsedItem(**stated, item_type=item_type, picture_url=choose_emoji(name, item_type))
