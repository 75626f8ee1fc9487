/// What one unit of each kind of demo product weighs and measures in its box, by the noun's English name:
/// plausible figures, so delivery quotes on the demo catalog differ between a cable and a bicycle.
enum DemoSeedPackages {
    /// Grams, then length, width and height in millimetres.
    struct Size: Equatable {
        var grams: Int
        var length: Int
        var width: Int
        var height: Int
    }

    /// The size of variant `variant` (0-based) of a `noun`: larger variants (a bigger size, more volume) weigh a
    /// little more. Computed without the plan's random numbers, so adding sizes changed nothing else in the plan.
    static func size(of noun: String, variant: Int) -> Size {
        let (grams, length, width, height) = Self.sizes[noun] ?? (500, 250, 200, 100)
        return Size(grams: grams + grams * variant / 10, length: length, width: width, height: height)
    }

    private static let sizes: [String: (Int, Int, Int, Int)] = [
        "headphones": (450, 220, 190, 90), "portable speaker": (800, 210, 120, 110),
        "smartwatch": (250, 120, 100, 80), "fitness tracker": (120, 110, 80, 50), "power bank": (380, 170, 100, 40),
        "smartphone": (420, 180, 100, 60), "phone case": (60, 190, 110, 20), "screen protector": (50, 200, 110, 10),
        "USB-C cable": (80, 150, 100, 30), "laptop": (2_600, 420, 300, 80), "gaming laptop": (3_900, 470, 340, 90),
        "laptop bag": (900, 430, 320, 60), "wireless mouse": (180, 150, 100, 60), "keyboard": (1_100, 480, 170, 50),
        "desk lamp": (1_400, 450, 200, 180), "vase": (1_200, 320, 160, 160), "wall clock": (900, 340, 340, 70),
        "mirror": (3_500, 620, 460, 50), "laundry basket": (1_000, 450, 350, 350), "frying pan": (1_600, 500, 290, 80),
        "saucepan": (1_900, 300, 260, 200), "electric kettle": (1_500, 250, 220, 260), "mug": (420, 130, 110, 110),
        "knife set": (1_700, 380, 200, 90), "cutting board": (900, 420, 280, 30),
        "throw blanket": (1_300, 400, 300, 120),
        "pillow": (900, 520, 380, 150), "towel": (450, 300, 200, 60), "bed linen set": (1_800, 380, 300, 90),
        "tablecloth": (600, 300, 250, 40), "T-shirt": (220, 300, 220, 30), "sweater": (600, 350, 280, 70),
        "jacket": (1_300, 450, 350, 120), "jeans": (700, 380, 280, 60), "dress": (450, 380, 280, 50),
        "shirt": (350, 350, 250, 40), "sneakers": (1_100, 340, 220, 130), "boots": (1_700, 360, 260, 160),
        "sandals": (650, 320, 200, 100), "shoes": (1_000, 330, 210, 120), "slippers": (400, 300, 150, 100),
        "dumbbells": (10_400, 420, 200, 140), "yoga mat": (1_200, 620, 150, 150), "bicycle": (15_500, 1_450, 230, 750),
        "scooter": (8_200, 1_050, 210, 330), "football": (520, 230, 230, 230), "jump rope": (250, 200, 150, 50),
        "tent": (3_800, 600, 200, 200), "sleeping bag": (1_900, 450, 250, 250), "backpack": (1_200, 550, 350, 150),
        "thermos": (650, 320, 110, 110), "flashlight": (300, 220, 80, 60), "camping pot": (700, 220, 200, 160),
        "novel": (450, 210, 140, 35), "detective story": (400, 210, 140, 30), "cookbook": (1_200, 280, 230, 30),
        "travel guide": (500, 220, 130, 25), "programming textbook": (1_300, 250, 190, 45),
        "fairy tales": (700, 290, 220, 20), "shampoo": (450, 230, 80, 60), "hand cream": (110, 160, 60, 40),
        "eau de parfum": (380, 130, 100, 70), "toothbrush": (90, 230, 50, 30), "hair dryer": (900, 300, 240, 110),
    ]
}
