"""A labelled set of residents' statements for the learned-suggestion benchmark (issue 24.5).

Not the demo's few repeated sentences: each code of the default codebook has a dozen or so ways a
resident might say it, written with alternatives ("[a|b|c]") and slots (a place, a time, a street), and
a statement strings one to three of them together between everyday openings and closings, with the
slips of a tablet keyboard (swapped letters, no capitals, no full stop). A seed makes the same set every
run. Some ways use the words a coordinator would put in a keyword rule, many do not: residents say
"het is pikkedonker" and "die palen doen het niet", not "openbare verlichting".

``KEYWORDS`` are the keyword rules a careful coordinator would write for the same codebook, from each
code's description (the baseline the model is measured against). They were written from the
descriptions, not tuned on this set.
"""

from __future__ import annotations

import random
import re

KEYWORDS = {
    "GRN-ONDH": "maai*|snoei*|gras|kale plek*|overhang*",
    "GRN-BOOM": "boom|bomen|blad|bladeren|pluis|wortel*|kap|herplant*",
    "GRN-ONKR": "onkruid",
    "GRN-WATR": "vijver*|vaart*|beschoeiing|oever*",
    "GRN-KLIM": "hitte*|wateroverlast|klimaat|meer groen",
    "SCH-ZWRF": "zwerfafval|vegen|veegt|netheid|rommel",
    "SCH-DUMP": "bijplaatsing*|dumping*|gedumpt|afvaldump*",
    "SCH-HOND": "hondenpoep|uitlaat*",
    "SCH-BAKK": "afvalbak*|prullenbak*|container*",
    "HEEL-VERH": "tegel*|stoep*|fietspad*|verzakking*|verzakt",
    "HEEL-VERL": "lantaarn*|verlichting|donker",
    "HEEL-MEUB": "bankje*|bank|bankjes|paaltje*|bord*",
    "HEEL-SPEL": "speeltoestel*|speeltuin*|trapveld*|sport*",
    "VRK-VEIL": "hard rijden|hard gereden|oversteek*|schoolroute*|verkeersveilig*",
    "VRK-PARK": "parkeer*|parkeren|busje*",
    "VRK-OV": "bushalte*|bus|halte*|instappen",
    "SOC-VEIL": "hangjongeren|onveilig*|handhaving|overlast",
    "SOC-ONTM": "ontmoet*|contact|eenzaam*",
    "SOC-TOEG": "rollator*|scootmobiel*|rolstoel*|stoeprand*|toegankelijk*",
    "SOC-INFO": "informatie|melding*|werkzaamheden",
    "SOC-ZELF": "adopteren|initiatief*|zelfbeheer|uitdaagrecht",
    "ALG-WAAR": "fijn|prettig|trots|tevreden",
    "ALG-OVER": "",
}

PLACES = [
    "bij de school", "in de Bachstraat", "achter het winkelcentrum", "langs de vaart", "op het plein", "bij ons in de straat",
    "rond de flat", "bij de Mozartlaan", "aan de overkant", "bij het kinderdagverblijf", "in het park", "op de hoek",
    "bij de moskee", "achter de sporthal", "bij het buurthuis", "in de Chopinstraat", "bij de brug", "in ons hofje",
]  # fmt: skip
TIMES = ["al weken", "sinds de zomer", "elke dag", "al maanden", "vooral in het weekend", "nu al twee jaar", "steeds vaker", "sinds kort"]

WAYS: dict[str, list[str]] = {
    "GRN-ONDH": [
        "Het gras {plek} wordt [veel te weinig|bijna nooit|te laat] gemaaid",
        "De struiken {plek} groeien over het [pad|trottoir|fietspad] heen",
        "Er wordt {tijd} niet gesnoeid, je kunt er [bijna niet meer langs|niet meer door]",
        "Het groen {plek} is [totaal verwilderd|een oerwoud geworden|niet bijgehouden]",
        "De heg {plek} hangt [half over de weg|tot op de stoep]",
        "[Er zijn|Je ziet] kale plekken in het plantsoen {plek}",
        "Het [grasveld|veldje] {plek} staat kniehoog",
        "De gemeente komt {tijd} niet meer [maaien|het groen bijhouden]",
        "Die [rozenstruiken|heesters] {plek} worden nooit meer bijgeknipt",
        "De beplanting {plek} is [dood|verdord|weg] en er komt niks nieuws",
    ],
    "GRN-BOOM": [
        "De [boom|eik|linde|populier] {plek} laat {tijd} takken vallen",
        "Die grote bomen {plek} geven [veel|zoveel] blad in de goot",
        "De wortels {plek} duwen de tegels omhoog",
        "Er is een [boom|kastanje|berk] gekapt {plek} en er is niks teruggeplant",
        "Die populieren {plek} [pluizen|pluis] elk voorjaar alles onder",
        "De [esdoorn|boom] voor mijn deur [is ziek|ziet er ziek uit|gaat dood]",
        "Ik ben bang dat die [dikke tak|kastanje] {plek} een keer op iemand valt",
        "Het [lindeluis|kleverige spul] van de [linden|bomen] zit op alle auto's",
        "Ze hebben {plek} [mooie oude eiken|de mooiste bomen] weggehaald",
        "Er mogen wel meer [bomen|eiken|lindes] bij {plek}",
    ],
    "GRN-ONKR": [
        "Er groeit {tijd} onkruid tussen de tegels {plek}",
        "Het [plantsoen|perkje] {plek} staat vol [brandnetels|distels|onkruid]",
        "[Tussen de stenen|In de goot] {plek} staat [het groen|gras|van alles] een halve meter hoog",
        "Rond de [boomspiegels|bomen] {plek} woekert [zevenblad|het onkruid|de brandnetel]",
        "De [stoep|straat] {plek} is [helemaal groen|één grote groene mat] van het [spul|onkruid] ertussen",
        "Ze [branden|borstelen] het [onkruid|groen tussen de tegels] {tijd} niet meer weg",
        "De [distels|paardenbloemen] {plek} komen tot mijn knieën",
    ],
    "GRN-WATR": [
        "De [vijver|sloot|vaart] {plek} [stinkt|ligt vol kroos|is helemaal groen]",
        "De beschoeiing {plek} is [rot|ingezakt|kapot]",
        "De [oever|kant van het water] {plek} kalft af",
        "Er drijft {tijd} [troep|plastic|van alles] in het water {plek}",
        "[De kant van de sloot|Het talud bij het water] {plek} is [gevaarlijk voor kinderen|erg steil]",
        "Er [liggen dode vissen|zit blauwalg] in de [vijver|plas] {plek}",
        "De [steiger|waterkant] {plek} is [verrot|afgebrokkeld]",
    ],
    "GRN-KLIM": [
        "Bij een flinke bui staat {plek} [alles|de straat|de kelder] onder water",
        "Het is {plek} [snikheet|bloedheet|niet te harden] in de zomer, er is [geen schaduw|nergens schaduw]",
        "Er is [te veel steen|alleen maar steen] {plek}, [tegel eruit, groen erin|haal die tegels weg]",
        "De [putten|kolken] {plek} kunnen het regenwater niet aan",
        "Meer groen {plek} zou helpen tegen de [hitte|warmte]",
        "[In de zomer|Bij warm weer] is het {plek} [een oven|niet uit te houden voor ouderen]",
        "Na [elke regenbui|een onweersbui] [blijven er plassen staan|loopt de straat vol] {plek}",
        "Kan er niet een [waterplein|wadi|groen dak] komen {plek}",
    ],
    "SCH-ZWRF": [
        "Er ligt {tijd} [veel|overal] [troep|rommel|afval] {plek}",
        "De [straat|stoep] {plek} wordt [nooit|bijna nooit] geveegd",
        "[Blikjes|Chipszakken|Lege flesjes] [overal|in de bosjes] {plek}",
        "Na het weekend ligt {plek} [alles vol met|een laag] [plastic|glas|zakjes]",
        "Het is {plek} [een vuilnisbelt|smerig|vies] geworden",
        "[Sigarettenpeuken|Peuken] [overal|bij de ingang] {plek}",
        "De [veegwagen|veegmachine] komt {plek} [nooit|hooguit eens per maand]",
        "Wat een [viezigheid|zooi] {plek}, [dat was vroeger wel anders|schaam je]",
    ],
    "SCH-DUMP": [
        "Mensen [zetten|gooien] hun [oude banken|matrassen|grofvuil] {plek} neer",
        "Naast de [container|bak] {plek} staan {tijd} [vuilniszakken|dozen|spullen]",
        "Er wordt {plek} [afval gedumpt|van alles gedumpt|bouwafval gestort]",
        "Iemand heeft {plek} [een koelkast|een hele keuken|een bankstel] neergezet",
        "[Zakken|Tassen] met [huisvuil|afval] [naast de containers|op de stoep] {plek}",
        "Bij de [glasbak|papierbak] {plek} wordt [alles|van alles] bijgezet",
        "Die [vuilniszakken|grofvuilhopen] blijven {tijd} staan {plek}",
    ],
    "SCH-HOND": [
        "Er ligt {tijd} [hondenpoep|poep] op de stoep {plek}",
        "[Hondenbezitters|Baasjes] ruimen [de poep|de drollen] niet op {plek}",
        "Het [grasveld|speelveldje] {plek} is [een hondentoilet|één grote hondenwc]",
        "Je stapt {plek} [steeds|telkens] in de [drollen|stront]",
        "[Honden|Loslopende honden] [doen hun behoefte|poepen] {plek} in de zandbak",
        "Er moeten [zakjes|poepzakjes] komen {plek}, [het is vies|het stinkt]",
        "Er is {plek} geen [losloopgebied|plek] voor honden",
    ],
    "SCH-BAKK": [
        "De afvalbak {plek} [zit|is] {tijd} [vol|overvol]",
        "De [prullenbak|vuilnisbak] {plek} is [kapot|weggehaald|vernield]",
        "Er [staan|is] [te weinig|geen] [prullenbakken|vuilnisbakken] {plek}",
        "De container {plek} wordt [te weinig|niet op tijd] geleegd",
        "De [ondergrondse container|verzamelcontainer] {plek} [klemt|gaat niet open|is stuk]",
        "De [klep|pasjeslezer] van de [container|afvalcontainer] {plek} doet het niet",
        "[Die bak|De bak] bij het bankje {plek} [puilt uit|loopt over]",
    ],
    "HEEL-VERH": [
        "De tegels {plek} liggen [los|scheef|omhoog]",
        "Het fietspad {plek} [zit vol gaten|is hobbelig|is verzakt]",
        "[Mijn moeder|Mijn buurvrouw|Een oudere meneer] is {plek} gestruikeld over een [losse tegel|stoeptegel]",
        "Er zit een [gat|kuil] in de weg {plek}",
        "De [klinkers|stenen] {plek} zijn [verzakt|weggezakt], [er staat water|je struikelt erover]",
        "[De stoep|Het trottoir] {plek} is [een hobbelbaan|levensgevaarlijk]",
        "Het [asfalt|wegdek] {plek} [brokkelt af|is kapot|vertoont scheuren]",
        "Er [ligt|zit] een [drempel van tegels|richel] {plek} waar je [met de fiets|met de kinderwagen] [op klapt|over valt]",
    ],
    "HEEL-VERL": [
        "Het is {plek} 's avonds [pikkedonker|erg donker|aardedonker]",
        "De lantaarnpaal {plek} is {tijd} kapot",
        "[Die palen|Twee lampen|De lampen] {plek} doen het [niet|al lang niet meer]",
        "Er [brandt|is] geen licht {plek}",
        "De verlichting {plek} [knippert|gaat steeds uit|is te zwak]",
        "[Je ziet geen hand voor ogen|Je ziet niks] {plek} als het [avond|winter] is",
        "Kan er [een lamp|meer licht|een extra lichtpunt] bij {plek}",
        "[Straatlampen|Lampen] {plek} [gaan niet aan|blijven uit]",
    ],
    "HEEL-MEUB": [
        "Het bankje {plek} is [kapot|beklad|weggehaald]",
        "Er staan [geen|te weinig] [bankjes|zitplekken] {plek}",
        "De paaltjes {plek} [staan scheef|zijn omgereden|zijn weg]",
        "Het [bord|straatnaambord] {plek} is [onleesbaar|omgevallen|verdwenen]",
        "[De fietsenrekken|De fietsnietjes] {plek} zijn [verroest|kapot|te weinig]",
        "Het [hek|hekje|de reling] {plek} [staat scheef|is kapot|roest]",
        "Er mist [een zitplek|een picknicktafel|een bank om even uit te rusten] {plek}",
    ],
    "HEEL-SPEL": [
        "De [schommel|glijbaan|wip] {plek} is [kapot|al maanden afgezet]",
        "Er is {plek} [niks|weinig] voor [kinderen|tieners] om te spelen",
        "De speeltuin {plek} is [verouderd|saai|vies]",
        "Het [trapveldje|voetbalveldje|basketbalveldje] {plek} [is weg|heeft geen doelen meer|ligt vol glas]",
        "[Mijn kinderen|De kinderen|Mijn kleinkinderen] kunnen {plek} [nergens|niet veilig] spelen",
        "Het zand in de [zandbak|speelplek] {plek} [is vies|moet ververst]",
        "Er mag wel een [pannakooi|skatebaan|fitnesstoestel] komen {plek}",
    ],
    "VRK-VEIL": [
        "Er wordt {plek} [veel te hard|keihard|als gekken] gereden",
        "[Oversteken|De straat over] {plek} is [gevaarlijk|levensgevaarlijk|niet te doen]",
        "[Scooters|Auto's|Brommers] [racen|scheuren] {tijd} {plek}",
        "Er moet een [drempel|zebrapad|verkeerslicht] komen {plek}",
        "[De kinderen|Mijn zoon|Mijn dochter] [fietst|lopen] {plek} naar school en dat is [eng|onveilig]",
        "Het kruispunt {plek} is [onoverzichtelijk|gevaarlijk|een chaos]",
        "[Vrachtwagens|Busjes] [rijden|denderen] {plek} [door de woonstraat|veel te snel]",
        "[Iedereen negeert|Niemand houdt zich aan] de 30 km {plek}",
    ],
    "VRK-PARK": [
        "Er is {plek} [geen plek|te weinig plek] om te parkeren",
        "[Bedrijfsbusjes|Busjes van bedrijven] staan {tijd} {plek}",
        "Mensen [zetten hun auto|parkeren] {plek} [op de stoep|in de bocht|voor de uitrit]",
        "[Na zessen|'s Avonds] [rijd ik rondjes|vind ik nooit een plek] {plek}",
        "[Caravans|Aanhangers|Campers] staan {tijd} {plek}",
        "De [blauwe zone|vergunning] {plek} [werkt niet|wordt niet gehandhaafd]",
        "[Bezoekers|Mijn visite] kunnen {plek} [nergens|niet] [staan|hun auto kwijt]",
    ],
    "VRK-OV": [
        "De bushalte {plek} heeft geen [overkapping|bankje|dak]",
        "De bus [rijdt|gaat] {tijd} [te weinig|niet meer] {plek}",
        "[Je staat|Je wacht] {plek} [in de regen|in de wind] op de bus",
        "[Instappen|Het instappen] is lastig want de [halte|stoep] is te laag",
        "De [lijn|buslijn] {plek} is [opgeheven|omgelegd], [nu moet ik ver lopen|ik kan nergens meer heen]",
        "Het [station|busstation] is {plek} [slecht|niet] bereikbaar",
        "[De dienstregeling|Het busschema] {plek} [klopt niet|is onduidelijk]",
    ],
    "SOC-VEIL": [
        "[Jongeren|Groepjes jongens] hangen {tijd} rond {plek}",
        "Ik voel me {plek} [niet veilig|onveilig|bang] als het laat is",
        "Er wordt {plek} [gedeald|gerookt en geschreeuwd|drugs gebruikt]",
        "Er zijn {plek} [inbraken|fietsdiefstallen|autokraken] geweest",
        "Er moet [meer politie|een boa|een buurtagent] komen {plek}",
        "De [jeugd|jongens] {plek} [intimideren mensen|maken herrie tot diep in de nacht]",
        "[Mijn vrouw|Mijn dochter|Ik] [loopt|fiets] {plek} 's avonds [om|liever niet]",
        "Er is {tijd} [vuurwerk|lawaai|geschreeuw] {plek}",
    ],
    "SOC-ONTM": [
        "Er is {plek} [geen|nergens een] plek om [elkaar te zien|buren te leren kennen|samen te komen]",
        "Ik [ken mijn buren niet meer|zie bijna niemand meer|voel me alleen] {tijd}",
        "[Een buurtkamer|Een koffieochtend|Een buurtbarbecue] {plek} zou [mooi|fijn] zijn",
        "Het buurthuis {plek} is [dicht|gesloten|wegbezuinigd]",
        "[Vroeger|Toen] kende iedereen elkaar {plek}, nu [niet meer|is het ieder voor zich]",
        "[Ouderen|Veel mensen] {plek} zitten [alleen thuis|de hele dag binnen]",
        "Er is {plek} [weinig|niks] te doen voor [nieuwe bewoners|statushouders|jonge gezinnen] om mensen te leren kennen",
    ],
    "SOC-TOEG": [
        "Met de rollator kom ik {plek} [niet|nauwelijks] [vooruit|de stoep op]",
        "De stoeprand {plek} is [te hoog|veel te hoog] voor [mijn scootmobiel|een rolstoel]",
        "Er is {plek} [geen|nergens een] plek om even [uit te rusten|te zitten] voor ouderen",
        "[Met een kinderwagen|In een rolstoel] kom je {plek} [er niet langs|niet door]",
        "[De oprit|De helling] {plek} is te steil voor [een rolstoel|mijn man met zijn rollator]",
        "[Slechtzienden|Blinden] kunnen {plek} [niet veilig|moeilijk] oversteken, er [ontbreken|zijn geen] [geleidelijnen|ribbeltegels]",
        "Mijn [moeder|vader] [durft|kan] {plek} [niet meer|nauwelijks nog] naar buiten met [haar|zijn] [scootmobiel|rollator]",
    ],
    "SOC-INFO": [
        "We [horen|hoorden] [niks|nooit iets] over de [werkzaamheden|plannen] {plek}",
        "Ik heb {tijd} iets gemeld en [er gebeurt niks|ik hoor niks terug]",
        "De gemeente [laat niks van zich horen|reageert niet|communiceert slecht] over {plek}",
        "[Een brief|Een bericht|Wat informatie] vooraf over [de opbreking|het werk] {plek} was fijn geweest",
        "[De app|Fixi|Het meldpunt] [werkt niet|is onduidelijk], ik weet niet waar ik [terecht kan|het moet melden]",
        "Mijn [klacht|melding] over {plek} is [zomaar afgesloten|nooit opgepakt]",
        "Niemand wist dat {plek} [de straat open zou gaan|de bomen zouden verdwijnen]",
    ],
    "SOC-ZELF": [
        "Wij willen {plek} [zelf het groen onderhouden|een geveltuin aanleggen|een stukje grond adopteren]",
        "[Ik wil graag|We willen] {plek} een [moestuin|buurttuin|pluktuin] beginnen",
        "Met [een paar buren|de straat] [houden we|willen we] {plek} [zelf schoon|zelf bijhouden]",
        "Kunnen wij [het plantsoen|de boomspiegels|het veldje] {plek} [overnemen|zelf beplanten]",
        "[Onze straat|Ons hofje] [organiseert|wil] {tijd} [een opschoondag|een plantdag|een buurtactie]",
        "[Geef ons|We willen] [een budget|een potje|materiaal] om {plek} zelf [iets te doen|aan de slag te gaan]",
    ],
    "ALG-WAAR": [
        "Ik woon hier [heel graag|met plezier|al twintig jaar met plezier]",
        "[Het is hier rustig|Het is een rustige buurt] en [groen|gemoedelijk]",
        "De buren {plek} [helpen elkaar|zijn heel aardig|staan voor je klaar]",
        "[Het park|De natuur|Het water] {plek} is [prachtig|het mooiste van de buurt]",
        "Ik ben blij met [de nieuwe speelplek|het opgeknapte plein|de nieuwe bomen] {plek}",
        "[Eigenlijk|Over het algemeen] is het hier [prima wonen|goed geregeld|heerlijk]",
        "[Complimenten|Een compliment] voor [de mannen van de groendienst|de wijkbeheerder] {plek}",
    ],
    "ALG-OVER": [
        "De [afvalstoffenheffing|OZB|huur] is [te hoog|weer omhoog gegaan]",
        "[Het zwembad|De bibliotheek] gaat {tijd} [te vroeg|veel te vroeg] dicht",
        "[Mijn huisarts|De tandarts] [heeft geen plek|zit vol] voor nieuwe patiënten",
        "[Het internet|De wifi] {plek} is [traag|slecht]",
        "Ik [wacht|sta] al [jaren|zeven jaar] op een [sociale huurwoning|woning]",
        "[De supermarkt|De bakker] {plek} is [verdwenen|gesloten] en [dat mis ik|dat is jammer]",
        "[Mijn buurman|De bovenburen] maken [herrie|lawaai] en [de corporatie doet niks|niemand doet er iets aan]",
    ],
}

OPENERS = [
    "", "", "", "Wat mij opvalt: ", "Eerlijk gezegd: ", "Nou, ", "Ik woon hier al lang. ", "Een ding wil ik kwijt. ",
    "Ik zeg het maar gewoon: ", "Mijn grootste ergernis: ", "Als moeder van drie: ", "Ik loop hier elke dag. ",
]  # fmt: skip
JOINERS = [". ", ". En ", ". Verder: ", ", en ", ". Ook ", ". Daarnaast "]
CLOSERS = [
    "", "", "", " Doe er wat aan.", " Dat moet echt anders.", " Ik hoop dat jullie er iets mee doen.",
    " Al jaren hetzelfde verhaal.", " Dat heb ik al eerder gezegd.", " Verder weet ik het niet.",
]  # fmt: skip

ALTERNATIVES = re.compile(r"\[([^\[\]]+)\]")


def fill(way: str, rng: random.Random) -> str:
    text = ALTERNATIVES.sub(lambda m: rng.choice(m.group(1).split("|")), way)
    return text.replace("{plek}", rng.choice(PLACES)).replace("{tijd}", rng.choice(TIMES))


def slip(text: str, rng: random.Random) -> str:
    """What a tablet keyboard in the rain does to a text now and then."""
    if rng.random() < 0.08:  # two letters swapped in one word
        words = text.split(" ")
        i = rng.randrange(len(words))
        w = words[i]
        if len(w) > 3:
            j = rng.randrange(len(w) - 1)
            words[i] = w[:j] + w[j + 1] + w[j] + w[j + 2 :]
        text = " ".join(words)
    if rng.random() < 0.1:
        text = text.lower()
    if rng.random() < 0.15:
        text = text.rstrip(".")
    return text


def split_ways(share: float, seed: int = 5) -> tuple[dict[str, list[str]], dict[str, list[str]]]:
    """Each code's ways in two: most, and ``share`` of them (at least two) kept apart, so that a test
    can ask for statements said in ways the model never saw (as a new resident would say them)."""
    rng = random.Random(seed)
    seen, new = {}, {}
    for key, ways in WAYS.items():
        ways = ways[:]
        rng.shuffle(ways)
        apart = max(2, round(len(ways) * share))
        seen[key], new[key] = ways[apart:], ways[:apart]
    return seen, new


def statements(count: int = 2400, seed: int = 24, ways: dict[str, list[str]] | None = None) -> list[tuple[str, set[str]]]:
    """``count`` statements with their codes: one code mostly, two for one in five, three now and then;
    said in ``ways`` (default: all)."""
    rng = random.Random(seed)
    ways = ways or WAYS
    keys = sorted(ways)
    made: list[tuple[str, set[str]]] = []
    seen: set[str] = set()
    while len(made) < count:
        n = 1 if rng.random() < 0.78 else (2 if rng.random() < 0.85 else 3)
        codes = rng.sample(keys, n)
        parts = [fill(rng.choice(ways[code]), rng) for code in codes]
        opener = rng.choice(OPENERS)
        text = opener + (parts[0][0].lower() + parts[0][1:] if opener.endswith((": ", ", ")) else parts[0])
        for part in parts[1:]:
            joiner = rng.choice(JOINERS)
            text += joiner + (part[0].lower() + part[1:] if joiner[-2:] in ("n ", ", ") or joiner.endswith("Ook ") else part)
        text = slip(text + "." + rng.choice(CLOSERS), rng)
        text = text[0].upper() + text[1:] if rng.random() < 0.9 else text
        if text in seen:
            continue
        seen.add(text)
        made.append((text, set(codes)))
    return made


if __name__ == "__main__":
    for text, codes in statements(12):
        print(sorted(codes), text)
    print(sum(len(w) for w in WAYS.values()), "ways for", len(WAYS), "codes")
