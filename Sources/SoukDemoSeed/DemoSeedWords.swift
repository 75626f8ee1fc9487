/// The words the demo seed builds its catalog and customers from: Russian with English, so full-text search in
/// either language finds the products.
enum DemoSeedWords {
    /// A category of the demo catalog and what its products are made of.
    struct Category {
        var slug: String
        var name: String
        var parent: String?
        /// The SKU code prefix.
        var code: String
        var nouns: [Noun]
        /// Sentences of a description, Russian and English.
        var features: [(String, String)]
        /// The attribute SKUs of one product differ in, and its values.
        var axis: String
        var values: [String]
    }

    /// A kind of product, Russian and English, and its price range in whole roubles.
    struct Noun {
        var russian: String
        var english: String
        var rubles: ClosedRange<Int>

        init(_ russian: String, _ english: String, _ rubles: ClosedRange<Int>) {
            self.russian = russian
            self.english = english
            self.rubles = rubles
        }
    }

    static let colors = ["чёрный / black", "белый / white", "синий / blue", "серый / grey", "красный / red"]

    static let categories: [Category] = [
        Category(
            slug: "electronics",
            name: "Электроника / Electronics",
            code: "EL",
            nouns: [
                Noun("Наушники", "headphones", 1_490...24_990),
                Noun("Портативная колонка", "portable speaker", 1_990...19_990),
                Noun("Умные часы", "smartwatch", 4_990...39_990),
                Noun("Фитнес-браслет", "fitness tracker", 1_990...9_990),
                Noun("Внешний аккумулятор", "power bank", 990...5_990),
            ],
            features: [
                ("Беспроводное подключение по Bluetooth.", "Wireless Bluetooth connection."),
                ("До двадцати часов работы без подзарядки.", "Up to twenty hours of battery life."),
                ("Быстрая зарядка через USB-C.", "Fast charging over USB-C."),
            ],
            axis: "color",
            values: Self.colors
        ),
        Category(
            slug: "smartphones",
            name: "Смартфоны / Smartphones",
            parent: "electronics",
            code: "PH",
            nouns: [
                Noun("Смартфон", "smartphone", 9_990...99_990), Noun("Чехол для смартфона", "phone case", 490...2_490),
                Noun("Защитное стекло", "screen protector", 290...1_490),
                Noun("Кабель USB-C", "USB-C cable", 290...990),
            ],
            features: [
                ("Яркий экран и отличная камера.", "A bright display and a great camera."),
                ("Поддержка двух SIM-карт.", "Dual SIM support."),
                ("Защита от воды и пыли.", "Water and dust resistant."),
            ],
            axis: "color",
            values: Self.colors
        ),
        Category(
            slug: "laptops",
            name: "Ноутбуки / Laptops",
            parent: "electronics",
            code: "LT",
            nouns: [
                Noun("Ноутбук", "laptop", 39_990...149_990), Noun("Игровой ноутбук", "gaming laptop", 79_990...199_990),
                Noun("Сумка для ноутбука", "laptop bag", 1_490...5_990),
                Noun("Беспроводная мышь", "wireless mouse", 590...3_990),
                Noun("Клавиатура", "keyboard", 990...9_990),
            ],
            features: [
                ("Лёгкий алюминиевый корпус.", "A light aluminium body."),
                ("Клавиатура с подсветкой.", "A backlit keyboard."),
                ("Подходит для работы и учёбы.", "Made for work and study."),
            ],
            axis: "color",
            values: ["серебристый / silver", "чёрный / black", "серый / grey"]
        ),
        Category(
            slug: "home",
            name: "Дом и кухня / Home & Kitchen",
            code: "HM",
            nouns: [
                Noun("Настольная лампа", "desk lamp", 990...6_990), Noun("Ваза", "vase", 590...4_990),
                Noun("Настенные часы", "wall clock", 790...4_990), Noun("Зеркало", "mirror", 1_490...9_990),
                Noun("Корзина для белья", "laundry basket", 690...2_990),
            ],
            features: [
                ("Уютный интерьер без лишних хлопот.", "A cosy home without the fuss."),
                ("Скандинавский дизайн.", "Scandinavian design."),
                ("Легко чистить.", "Easy to clean."),
            ],
            axis: "color",
            values: Self.colors
        ),
        Category(
            slug: "cookware",
            name: "Посуда / Cookware",
            parent: "home",
            code: "CW",
            nouns: [
                Noun("Сковорода", "frying pan", 990...6_990), Noun("Кастрюля", "saucepan", 1_290...7_990),
                Noun("Электрический чайник", "electric kettle", 1_490...6_990), Noun("Кружка", "mug", 290...1_490),
                Noun("Набор ножей", "knife set", 1_990...12_990),
                Noun("Разделочная доска", "cutting board", 390...2_490),
            ],
            features: [
                ("Можно мыть в посудомоечной машине.", "Dishwasher safe."),
                ("Подходит для индукционных плит.", "Works on induction hobs."),
                ("Антипригарное покрытие.", "A non-stick coating."),
            ],
            axis: "size",
            values: ["маленький / small", "средний / medium", "большой / large"]
        ),
        Category(
            slug: "textiles",
            name: "Текстиль / Home Textiles",
            parent: "home",
            code: "TX",
            nouns: [
                Noun("Плед", "throw blanket", 990...5_990), Noun("Подушка", "pillow", 590...3_490),
                Noun("Полотенце", "towel", 290...1_990),
                Noun("Комплект постельного белья", "bed linen set", 1_990...9_990),
                Noun("Скатерть", "tablecloth", 690...3_990),
            ],
            features: [
                ("Натуральный хлопок.", "Natural cotton."),
                ("Мягкий и тёплый.", "Soft and warm."),
                ("Не линяет после стирки.", "Colourfast in the wash."),
            ],
            axis: "color",
            values: Self.colors
        ),
        Category(
            slug: "clothing",
            name: "Одежда / Clothing",
            code: "CL",
            nouns: [
                Noun("Футболка", "T-shirt", 590...2_990), Noun("Свитер", "sweater", 1_990...7_990),
                Noun("Куртка", "jacket", 3_990...19_990), Noun("Джинсы", "jeans", 1_990...7_990),
                Noun("Платье", "dress", 1_990...9_990), Noun("Рубашка", "shirt", 1_290...5_990),
            ],
            features: [
                ("Свободный крой.", "A relaxed fit."),
                ("Дышащая ткань.", "A breathable fabric."),
                ("Шьём в России.", "Sewn in Russia."),
            ],
            axis: "size",
            values: ["S", "M", "L", "XL"]
        ),
        Category(
            slug: "shoes",
            name: "Обувь / Shoes",
            parent: "clothing",
            code: "SH",
            nouns: [
                Noun("Кроссовки", "sneakers", 2_990...12_990), Noun("Ботинки", "boots", 3_990...14_990),
                Noun("Сандалии", "sandals", 1_490...5_990), Noun("Туфли", "shoes", 2_990...11_990),
                Noun("Тапочки", "slippers", 490...1_990),
            ],
            features: [
                ("Удобная колодка на каждый день.", "A comfortable everyday fit."),
                ("Нескользящая подошва.", "A non-slip sole."),
                ("Натуральная кожа.", "Genuine leather."),
            ],
            axis: "size",
            values: ["38", "39", "40", "41", "42", "43", "44"]
        ),
        Category(
            slug: "sports",
            name: "Спорт и отдых / Sports & Outdoors",
            code: "SP",
            nouns: [
                Noun("Гантели", "dumbbells", 990...6_990), Noun("Коврик для йоги", "yoga mat", 790...3_490),
                Noun("Велосипед", "bicycle", 14_990...69_990), Noun("Самокат", "scooter", 3_990...24_990),
                Noun("Футбольный мяч", "football", 990...4_990), Noun("Скакалка", "jump rope", 290...1_290),
            ],
            features: [
                ("Для тренировок дома и в зале.", "For workouts at home and in the gym."),
                ("Выдерживает нагрузки.", "Built to take a beating."),
                ("Одобрено тренерами.", "Approved by coaches."),
            ],
            axis: "color",
            values: Self.colors
        ),
        Category(
            slug: "camping",
            name: "Туризм / Camping",
            parent: "sports",
            code: "CP",
            nouns: [
                Noun("Палатка", "tent", 3_990...29_990), Noun("Спальный мешок", "sleeping bag", 2_490...12_990),
                Noun("Рюкзак", "backpack", 1_990...14_990), Noun("Термос", "thermos", 790...3_990),
                Noun("Фонарик", "flashlight", 390...2_990), Noun("Походный котелок", "camping pot", 690...2_990),
            ],
            features: [
                ("Для походов в любую погоду.", "For hikes in any weather."),
                ("Компактно складывается.", "Packs down small."),
                ("Проверено на Алтае.", "Tested in the Altai mountains."),
            ],
            axis: "color",
            values: ["зелёный / green", "оранжевый / orange", "хаки / khaki"]
        ),
        Category(
            slug: "books",
            name: "Книги / Books",
            code: "BK",
            nouns: [
                Noun("Роман", "novel", 390...1_490), Noun("Детектив", "detective story", 390...1_290),
                Noun("Поваренная книга", "cookbook", 790...2_990), Noun("Путеводитель", "travel guide", 590...1_990),
                Noun("Учебник программирования", "programming textbook", 1_290...4_990),
                Noun("Сказки", "fairy tales", 390...1_490),
            ],
            features: [
                ("Бестселлер этого года.", "This year's bestseller."),
                ("С иллюстрациями.", "Illustrated."),
                ("Перевод с английского.", "Translated from English."),
            ],
            axis: "format",
            values: ["твёрдая обложка / hardcover", "мягкая обложка / paperback", "электронная книга / e-book"]
        ),
        Category(
            slug: "beauty",
            name: "Красота / Beauty",
            code: "BT",
            nouns: [
                Noun("Шампунь", "shampoo", 290...1_490), Noun("Крем для рук", "hand cream", 190...990),
                Noun("Парфюмерная вода", "eau de parfum", 1_990...12_990),
                Noun("Зубная щётка", "toothbrush", 190...4_990),
                Noun("Фен", "hair dryer", 1_490...9_990),
            ],
            features: [
                ("Без парабенов.", "Paraben-free."),
                ("Подходит для чувствительной кожи.", "Suits sensitive skin."),
                ("Дерматологически протестировано.", "Dermatologically tested."),
            ],
            axis: "volume",
            values: ["50 мл / 50 ml", "100 мл / 100 ml", "250 мл / 250 ml"]
        ),
    ]

    /// Invented brands and model names.
    static let brands = ["Volga", "Sever", "Baikal", "Amur", "Altai", "Ural", "Neva", "Kama", "Ladoga", "Taiga"]
    static let models = ["Lite", "Pro", "Max", "Mini", "Air", "Plus", "Start", "Nova"]
    static let countries = ["Россия / Russia", "Казахстан / Kazakhstan", "Беларусь / Belarus", "Армения / Armenia"]

    /// Sentences any description may end with.
    static let closings = [
        ("Гарантия один год.", "One-year warranty."),
        ("Доставка из Москвы и Санкт-Петербурга.", "Ships from Moscow and Saint Petersburg."),
        ("Отличный подарок.", "Makes a great gift."),
        ("Сделано с заботой о природе.", "Made with care for nature."),
    ]

    /// The demo customers: display name, preferred currency, locale.
    static let customers: [(String, String, String)] = [
        ("Анна Смирнова", "RUB", "ru-RU"), ("John Carter", "USD", "en-US"), ("Дмитрий Волков", "RUB", "ru-RU"),
        ("Emma Schmidt", "EUR", "de-DE"), ("Ольга Кузнецова", "RUB", "ru-RU"), ("Liam O'Brien", "EUR", "en-IE"),
        ("Сергей Морозов", "RUB", "ru-RU"), ("Sophia Rossi", "EUR", "it-IT"), ("Елена Попова", "RUB", "ru-RU"),
        ("Michael Brown", "USD", "en-US"),
    ]
}
