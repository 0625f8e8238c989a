"""The parser's vocabulary: keyword tables for item types and emojis, and the word lists its grammar reads."""

from __future__ import annotations

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


# ---------------------------------------------------------------------------------------------------------------------
# Numbers, months and weekdays, read by dates and ownership goals
# ---------------------------------------------------------------------------------------------------------------------
# fmt: off
NUMBER_WORDS: dict[str, int] = {
    "a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9,
    "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14, "fifteen": 15, "sixteen": 16,
    "seventeen": 17, "eighteen": 18, "nineteen": 19, "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50,
    "a couple of": 2, "a couple": 2, "couple of": 2, "a few": 3, "few": 3, "several": 3,
}
# fmt: on

# fmt: off
MONTH_NUMBERS: dict[str, int] = {
    "january": 1, "jan": 1, "february": 2, "feb": 2, "march": 3, "mar": 3, "april": 4, "apr": 4, "may": 5, "june": 6,
    "jun": 6, "july": 7, "jul": 7, "august": 8, "aug": 8, "september": 9, "sept": 9, "sep": 9, "october": 10, "oct": 10,
    "november": 11, "nov": 11, "december": 12, "dec": 12,
}
# fmt: on
WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")


# ---------------------------------------------------------------------------------------------------------------------
# Item names: the word classes that start, continue and end a name, and how to spell it
# ---------------------------------------------------------------------------------------------------------------------
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
