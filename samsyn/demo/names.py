"""Name and address lists for the synthetic municipality (shipped here: no Faker at run time).

Common first names of Swedish children born 2007–2026 and of adults born 1960–2005 (including
names common among Swedes with roots in Finland, the Middle East, the Balkans and the Horn of
Africa), the commonest Swedish surnames, and street names typical of a Swedish small town.
Every person generated from these lists is fictitious.
"""

from __future__ import annotations

GIRLS: tuple[str, ...] = (
    "Alice", "Maja", "Elsa", "Astrid", "Vera", "Ella", "Wilma", "Alma", "Selma", "Olivia",
    "Ebba", "Saga", "Signe", "Freja", "Agnes", "Lilly", "Stella", "Alva", "Klara", "Nova",
    "Elvira", "Hedda", "Ines", "Moa", "Tyra", "Ida", "Emma", "Julia", "Hanna", "Ellie",
    "Lova", "Sara", "Isabelle", "Felicia", "Matilda", "Linnea", "Elin", "Nora", "Meja", "Thea",
    "Sofia", "Leah", "Iris", "Juni", "Ronja", "Edith", "Majken", "Tilde", "Lykke", "Greta",
    "Vilda", "Svea", "Emilia", "Amanda", "Molly", "Cornelia", "Tuva", "Elise", "Lina", "Maryam",
    "Amira", "Yasmin", "Noor", "Hiba", "Zeynep", "Aya", "Lejla", "Mira", "Ester", "Siri",
    "Liv", "Minna", "Ellen", "Sigrid", "Ottilia", "Aino", "Hodan", "Sanna", "Joline", "Nellie",
)  # fmt: skip

BOYS: tuple[str, ...] = (
    "William", "Noah", "Hugo", "Lucas", "Liam", "Oliver", "Adam", "Elias", "Alexander", "Matteo",
    "Leo", "Vincent", "Theo", "Oscar", "Nils", "Viggo", "Ludvig", "Charlie", "Olle", "Arvid",
    "Alfred", "Isak", "Edvin", "Gustav", "Axel", "Frans", "Sixten", "Harry", "Melvin", "Elton",
    "Loke", "Filip", "Emil", "Anton", "Jonathan", "Viktor", "Albin", "Ali", "Mohammed", "Omar",
    "Yusuf", "Ibrahim", "Adrian", "Kevin", "Rasmus", "Simon", "Erik", "Hampus", "Linus", "Jacob",
    "Samuel", "David", "Ahmed", "Amir", "Malte", "Valter", "Colin", "Otto", "Vidar", "Ture",
    "Josef", "August", "Casper", "Milo", "Ivar", "Benjamin", "Max", "Sam", "Love", "Kian",
    "Zakaria", "Mustafa", "Abdi", "Elliot", "Douglas", "Melker", "Wilmer", "Aron", "Eino", "Emir",
)  # fmt: skip

WOMEN: tuple[str, ...] = (
    "Anna", "Maria", "Sara", "Emma", "Johanna", "Linda", "Jenny", "Sofia", "Karin", "Hanna",
    "Malin", "Elin", "Camilla", "Jessica", "Frida", "Emelie", "Lisa", "Ida", "Therese", "Sandra",
    "Caroline", "Helena", "Ulrika", "Åsa", "Petra", "Cecilia", "Josefin", "Matilda", "Amanda",
    "Louise", "Annika", "Katarina", "Lena", "Susanne", "Jennifer", "Madeleine", "Fatima", "Amina",
    "Leila", "Sanna", "Rebecka", "Julia", "Moa", "Mikaela", "Veronica", "Nadia", "Aisha", "Zahra",
    "Kristina", "Pernilla", "Ellinor", "Tove", "Marie", "Jelena", "Hodan", "Sanja", "Minna",
    "Anneli", "Lejla", "Yasmin",
)  # fmt: skip

MEN: tuple[str, ...] = (
    "Johan", "Andreas", "Daniel", "Erik", "Fredrik", "Marcus", "Mattias", "Peter", "Niklas",
    "Anders", "Mikael", "Jonas", "Martin", "Magnus", "Henrik", "Christian", "Tobias", "Stefan",
    "Patrik", "Alexander", "Joakim", "Robert", "Thomas", "Markus", "Sebastian", "Jimmy",
    "Mohammed", "Ali", "Hassan", "Ahmad", "Emil", "Oskar", "Viktor", "Kristoffer", "Rickard",
    "Per", "Jesper", "David", "Simon", "Gustav", "Karl", "Jakob", "Linus", "Carl", "Omar",
    "Mehmet", "Jens", "Mats", "Ola", "Björn", "Dragan", "Mika", "Abdirahman", "Samir", "Kenneth",
)  # fmt: skip

SURNAMES: tuple[str, ...] = (
    "Andersson", "Johansson", "Karlsson", "Nilsson", "Eriksson", "Larsson", "Olsson", "Persson",
    "Svensson", "Gustafsson", "Pettersson", "Jonsson", "Jansson", "Hansson", "Bengtsson",
    "Jönsson", "Lindberg", "Jakobsson", "Magnusson", "Olofsson", "Lindström", "Lindqvist",
    "Lindgren", "Berg", "Axelsson", "Bergström", "Lundberg", "Lind", "Lundgren", "Lundqvist",
    "Mattsson", "Berglund", "Fredriksson", "Sandberg", "Henriksson", "Forsberg", "Sjöberg",
    "Wallin", "Engström", "Eklund", "Danielsson", "Lundin", "Håkansson", "Björk", "Bergman",
    "Gunnarsson", "Holm", "Wikström", "Samuelsson", "Isaksson", "Fransson", "Bergqvist",
    "Nyström", "Holmberg", "Arvidsson", "Löfgren", "Söderberg", "Nyberg", "Blomqvist",
    "Claesson", "Nordström", "Mårtensson", "Lundström", "Viklund", "Björklund", "Eliasson",
    "Pålsson", "Berggren", "Sandström", "Lund", "Nordin", "Ström", "Åberg", "Hermansson",
    "Ekström", "Holmgren", "Sundberg", "Hedlund", "Dahlberg", "Hellström", "Sjögren",
    "Abrahamsson", "Falk", "Öberg", "Andreasson", "Blom", "Ek", "Martinsson", "Strand",
    "Ali", "Mohamed", "Ahmed", "Hassan", "Hussein", "Korhonen", "Nieminen", "Virtanen",
    "Yilmaz", "Nguyen", "Jovanović", "Hadžić", "Said", "Abdi", "Khalil", "Kaya",
)  # fmt: skip

# Streets by district; house numbers are added when an address is made.
STREETS: dict[str, tuple[str, ...]] = {
    "Centrum": (
        "Storgatan", "Kyrkogatan", "Skolgatan", "Järnvägsgatan", "Torggatan", "Nygatan",
        "Trädgårdsgatan", "Vallgatan", "Smedjegatan", "Stationsgatan",
    ),
    "Ekbacken": (
        "Ekvägen", "Björkvägen", "Lönnvägen", "Lindvägen", "Kastanjevägen", "Almvägen",
        "Rönnvägen", "Hasselvägen",
    ),
    "Norrby": (
        "Norrbyvägen", "Lärkvägen", "Svalvägen", "Trastvägen", "Finkvägen", "Domherrevägen",
        "Mejerivägen", "Kvarnvägen",
    ),
    "Lövsta": (
        "Lövstavägen", "Bygatan", "Prästgårdsvägen", "Ängsvägen", "Åkervägen", "Klövervägen",
        "Blåklintsvägen", "Hagvägen",
    ),
    "Sjövik": (
        "Sjövägen", "Strandvägen", "Båtsmansvägen", "Bryggvägen", "Vassvägen", "Fiskarevägen",
        "Udden", "Näckrosvägen",
    ),
}  # fmt: skip

# Phone numbers that the Swedish Post and Telecom Authority (PTS) reserves for fiction.
FICTION_PHONE_FIRST = 5
FICTION_PHONE_LAST = 99


def fiction_phone(n: int) -> str:
    """One of PTS's mobile numbers for use in fiction: 070-174 06 05 … 070-174 06 99."""
    span = FICTION_PHONE_LAST - FICTION_PHONE_FIRST + 1
    return f"070-174 06 {FICTION_PHONE_FIRST + n % span:02d}"


_ASCII = str.maketrans({"å": "a", "ä": "a", "ö": "o", "é": "e", "ü": "u", "ć": "c", "ž": "z"})


def ascii_slug(text: str) -> str:
    """``"Åsa Öberg"`` → ``"asa.oberg"``: for usernames and e-mail addresses."""
    lowered = text.lower().translate(_ASCII)
    return ".".join("".join(ch for ch in part if ch.isalnum()) for part in lowered.split())
