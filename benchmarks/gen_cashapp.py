"""Write a synthetic cash-application workload with its answer key, for the payment journal.

One seed gives the same files byte for byte. Into ``--out DIR`` go:

- ``company.json``: the chart of accounts, company setup, payment terms and number series of
  ``examples/company.json``, one bank ``BANK-EUR`` (its IBAN, ``balance_last_statement`` set
  explicitly, match tolerance 0.00), and generated customers and vendors: realistic company
  names in several countries (GmbH, AG, e.K., Ltd, Limited, S.A., B.V., Inc, ...), umlauts,
  names sharing words and near-duplicates ("Müller Bau GmbH" / "Müller Baustoffe GmbH"),
  addresses, and IBANs with valid check digits (some parties have none, some two).
- ``opening.csv``: a general journal (the columns of ``examples/opening.csv``) with the opening
  bank balance and every open entry: sales invoices ``SI-1xxxxx`` (some with a customer PO as
  external document no., some with a payment discount date and amount), sales credit memos
  ``SC-7xxxxx`` and purchase invoices ``PI-3xxxxx`` whose external document no. is the vendor's
  own invoice number. Most entries are decoys that no statement line pays, some of them groups
  of equal amounts across customers.
- ``statement.xml``: one camt.053.001.08 statement of ``BANK-EUR`` for December 2026; opening
  balance = the bank's balance last statement, closing = opening + the lines; one ``Ntry`` per
  line with one ``TxDtls``: counterparty name (``Dbtr``/``Cdtr`` ``Pty/Nm``, sometimes a postal
  address), IBAN, ``RmtInf/Ustrd`` text, optionally ``RmtInf/Strd/CdtrRefInf/Ref`` (an ISO 11649
  RF creditor reference: "RF" + check digits + the invoice number without its hyphen,
  ``SI-100123`` -> ``RF..SI100123``), ``EndToEndId`` and ``AcctSvcrRef`` unique per line.
- ``answers.json``: per statement line in file order (line 1..N) its category and the right
  answer (see ``Answer``); ``{"expect": "none"}`` where no counterpart or no single right answer
  exists.
- ``mappings.json``: the text-to-account mappings a bookkeeper would have set up for the bank's
  fee lines, with the ``bankrec map add`` commands that create them.

Categories and their weights (percent of the lines, ``WEIGHTS``; every category gets at least
one line, instalments at least two):

=============================== === ===========================================================
exact_reference                 16  invoice no. in the text; name, IBAN (sometimes unknown)
rf_reference                     6  structured RF reference only, no invoice no. in the text
name_variant                     8  name spelled differently (legal form, word order, no umlaut,
                                    upper case), no IBAN; invoice no. present or amount unique
iban_only                        8  known IBAN, no name, unique amount, no reference
equal_amounts_across_customers   6  2-4 customers have an invoice of the amount; payer known by
                                    IBAN or by name, every fifth line without any party: none
partial                          5  part of one invoice (invoice no. in the text)
overpayment                      4  invoice + more than the payment tolerance: rest on account
combined                         7  2-4 invoices of one customer: all numbers in the text, or
                                    (3 in 10) none and the customer has exactly those open
instalments                      5  2 or 3 lines paying one invoice
discount                         6  paid within the discount date, discount deducted
fee                              4  bank charges: a text-to-account mapping to G/L 6800
refund                           3  outgoing payment of a customer's credit memo
vendor_payment                  12  outgoing: vendor's invoice no. and/or vendor IBAN
before_invoice                   3  dated before the invoice it would match: none
no_counterpart                   7  noise (taxes, salaries, insurers); 1 in 10 has the amount
                                    of a decoy invoice and an unknown payer: none
=============================== === ===========================================================

Every amount that an answer relies on is unique among the open entries (a discounted amount
counts as an amount), so "payer + amount" identifies one entry exactly when the category says
so. Usage: ``python benchmarks/gen_cashapp.py [--lines 3000] [--open-entries M] [--seed 1]
--out DIR``; ``--open-entries`` defaults to four per line.
"""

from __future__ import annotations

import argparse
import csv
import itertools
import json
import random
import string
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import ROUND_CEILING, ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

from bankrec.importers.journal_csv import COLUMNS

HERE = Path(__file__).resolve().parent
TEMPLATE = HERE.parent / "examples" / "company.json"

BANK_NO = "BANK-EUR"
FEE_ACCOUNT = "6800"
OPENING_BALANCE = Decimal("187431.62")
OPENING_DATE = date(2026, 5, 31)
HISTORY_START = date(2026, 6, 1)
PERIOD_START = date(2026, 12, 1)
PERIOD_END = date(2026, 12, 31)
STATEMENT_REF = "0662145800-20261231-012"
CENT = Decimal("0.01")
ZERO = Decimal("0.00")

WEIGHTS: dict[str, int] = {
    "exact_reference": 16,
    "rf_reference": 6,
    "name_variant": 8,
    "iban_only": 8,
    "equal_amounts_across_customers": 6,
    "partial": 5,
    "overpayment": 4,
    "combined": 7,
    "instalments": 5,
    "discount": 6,
    "fee": 4,
    "refund": 3,
    "vendor_payment": 12,
    "before_invoice": 3,
    "no_counterpart": 7,
}
CATEGORIES = tuple(WEIGHTS)
JOURNAL_COLUMNS = COLUMNS[: COLUMNS.index("check_no")]
"""The journal CSV columns the opening journal fills (the rows are written by position)."""
MIN_LINES = 40

MAPPINGS = (
    {"text": "KONTOFUEHRUNG", "gl_debit": FEE_ACCOUNT, "gl_credit": FEE_ACCOUNT},
    {"text": "ENTGELTABSCHLUSS", "gl_debit": FEE_ACCOUNT, "gl_credit": FEE_ACCOUNT},
    {"text": "BANKGEBUEHR", "gl_debit": FEE_ACCOUNT, "gl_credit": FEE_ACCOUNT},
)
FEE_TEXTS = (
    "KONTOFUEHRUNG {month}/2026",
    "ENTGELTABSCHLUSS PER {day}",
    "BANKGEBUEHR SEPA-AUSLANDSUEBERWEISUNG",
    "KONTOFUEHRUNG UND BUCHUNGSPOSTEN {month}/2026",
    "BANKGEBUEHR EILUEBERWEISUNG",
)

# -- names, places and bank codes ---------------------------------------------------------------


def _words(text: str) -> tuple[str, ...]:
    """A word list written as one ``|``-separated string (entries may contain spaces)."""
    return tuple(word.strip() for word in text.split("|"))


def _places(text: str) -> tuple[tuple[str, str], ...]:
    """``City=postcode|...`` as (city, postcode) pairs."""
    return tuple((city, code) for city, code in (item.split("=") for item in _words(text)))


NEAR_DUPLICATES = (
    ("DE", "Müller", "Bau", "GmbH"),
    ("DE", "Müller", "Baustoffe", "GmbH"),
    ("DE", "Nordwind", "Logistik", "GmbH"),
    ("GB", "Nordwind", "Logistics", "Ltd"),
    ("DE", "Schäfer", "Metall", "GmbH"),
    ("DE", "Schäfer", "Metallbau", "GmbH"),
    ("GB", "Harbourline", "Retail", "Limited"),
    ("GB", "Harbourline", "Retail Services", "Ltd"),
    ("DE", "Becker", "Elektro", "AG"),
    ("DE", "Becker", "Elektrotechnik", "AG"),
    ("NL", "Van der Berg", "Bouw", "B.V."),
    ("NL", "Van den Berg", "Bouw", "B.V."),
)

_DE_BRANDS = _words(
    "Müller|Schäfer|Becker|Weiß|Groß|Köhler|Schröder|Hoffmann|Krüger|Wagner|Schulz|Fischer|"
    "Meyer|Lehmann|Böhm|Jäger|Vogel|Hahn|Brandt|Kühn|Lorenz|Seidel|Nordwind|Isartal|Rheinfeld|"
    "Alpenblick|Elbtal|Sonnenberg|Lindenhof|Falkenstein|Bergmann|Zöllner|Günther|Fuchs|Engel|"
    "Sauer|Hübner|Wendt|Schmitz|Neumann|Krause|Ostsee|Donau|Taunus|Harz|Spessart|Würzburger|"
    "Münchner|Kölner|Dresdner|Allgäuer|Pfälzer|Märkische|Löwen|Adler|Greif|Tannenhof|Kranich"
)
_DE_SECTORS = _words(
    "Bau|Baustoffe|Logistik|Metallbau|Metall|Elektro|Elektrotechnik|Maschinenbau|Handel|"
    "Holzbau|Haustechnik|Druckerei|Gartenbau|Software|Systeme|Medizintechnik|Lebensmittel|"
    "Getränke|Autohaus|Spedition|Immobilien|Verpackung|Kunststofftechnik|Feinmechanik|"
    "Gebäudereinigung|Sanitär|Dachtechnik|Fensterbau|Energietechnik|Datentechnik|Werkzeugbau|"
    "Antriebstechnik|Umwelttechnik|Personalservice|Möbelwerkstätten|Brauerei|Textil|Optik|"
    "Stahlhandel|Hydraulik|Messtechnik|Fördertechnik"
)
_DE_FORMS = ("GmbH",) * 12 + ("AG",) * 2 + ("GmbH & Co. KG",) * 3 + ("KG", "e.K.", "e.K.")
_AT_FORMS = ("GmbH",) * 5 + ("AG", "KG")
_CH_FORMS = ("AG",) * 3 + ("GmbH", "SA")
_GB_BRANDS = _words(
    "Harbourline|Ashdown|Kingsbridge|Redfern|Oakridge|Thornbury|Westbrook|Hollins|Carrington|"
    "Blackwood|Fairfax|Greenway|Highgate|Langley|Marlow|Northgate|Pembroke|Riverside|Stanmore|"
    "Whitmore|Bramley|Calder|Dunmore|Elmstead|Foxley|Grantham|Hawthorn|Kestrel|Larkspur|"
    "Millbrook|Norwood|Ravenscroft|Sherwood|Trentham|Wexford|Shannon|Liffey|Connacht|Wicklow|"
    "Burren|Ardmore|Glenview"
)
_GB_SECTORS = _words(
    "Retail|Engineering|Logistics|Consulting|Foods|Systems|Interiors|Packaging|Electrical|"
    "Healthcare|Software|Trading|Construction|Print|Security|Precision Engineering|Facilities|"
    "Marine Services|Data Services|Fabrications|Plastics|Analytics|Hospitality|Laboratories"
)
_GB_FORMS = ("Ltd",) * 5 + ("Limited",) * 4 + ("PLC",)
_IE_FORMS = ("Ltd",) * 3 + ("Limited",) * 3 + ("DAC",)
_NL_BRANDS = _words(
    "Van der Berg|De Vries|Dijkstra|Bakker|Jansen|Visser|Smit|Mulder|De Boer|Bos|Vermeulen|"
    "Hendriks|Van Dijk|Kuipers|Brouwer|Dekker|Van Leeuwen|Postma|Hoekstra|Willems"
)
_NL_SECTORS = _words(
    "Installatietechniek|Transport|Bouw|Handel|Techniek|Logistiek|Groothandel|Metaal|Bloemen|"
    "Automatisering|Verpakkingen|Koeltechniek"
)
_FR_BRANDS = _words(
    "Dupont|Lefèvre|Moreau|Girard|Rousseau|Bonnet|Mercier|Blanc|Guérin|Chevalier|Éclair|Faure|"
    "Gautier|Lemaître|Perrin|Rivière"
)
_FR_SECTORS = _words(
    "Industries|Distribution|Transports|Services|Informatique|Bâtiment|Électricité|Emballages|"
    "Équipements|Conseil"
)
_FR_FORMS = ("S.A.",) * 3 + ("S.A.S.",) * 3 + ("SARL",) * 2
_LU_FORMS = ("S.A.",) * 3 + ("S.à r.l.",)
_IT_BRANDS = _words(
    "Bellini|Rossi|Ferrari|Esposito|Colombo|Ricci|Marino|Greco|Bruno|Gallo|Conti|De Luca|"
    "Moretti|Barbieri|Fontana|Santoro"
)
_IT_SECTORS = _words(
    "Meccanica|Tessitura|Impianti|Costruzioni|Logistica|Alimentari|Arredamenti|Ceramiche|"
    "Trasporti|Elettronica"
)
_IT_FORMS = ("S.p.A.", "S.r.l.", "S.r.l.")
_US_BRANDS = _words(
    "Bluegate|Summit|Lakeshore|Pinecrest|Redwood|Silverline|Granite|Evergreen|Keystone|Liberty|"
    "Crescent|Ironwood|Bayview|Northstar"
)
_US_SECTORS = _words(
    "Medical Devices|Software|Industries|Holdings|Technologies|Analytics|Robotics|Supply|"
    "Instruments|Networks"
)
_US_FORMS = ("Inc",) * 3 + ("Inc.",) * 2 + ("LLC", "Corp")
_NL_FORMS = ("B.V.",) * 9 + ("N.V.",)
ALL_FORMS = frozenset(
    _DE_FORMS + _AT_FORMS + _CH_FORMS + _GB_FORMS + _IE_FORMS + _NL_FORMS + _FR_FORMS + _LU_FORMS
) | frozenset(_IT_FORMS + _US_FORMS + tuple(form for *_, form in NEAR_DUPLICATES))

COUNTRY_WEIGHTS = {"DE": 44, "AT": 9, "CH": 5, "NL": 8, "GB": 12, "IE": 4, "FR": 7, "IT": 4}
COUNTRY_WEIGHTS.update(LU=2, US=5)

PLACES: dict[str, tuple[tuple[str, str], ...]] = {
    "DE": _places(
        "München=80331|Stuttgart=70173|Hamburg=20457|Köln=50667|Düsseldorf=40213|"
        "Nürnberg=90402|Leipzig=04109|Dresden=01067|Würzburg=97070|Augsburg=86150|"
        "Freiburg im Breisgau=79098|Bremen=28195|Hannover=30159|Frankfurt am Main=60311|"
        "Regensburg=93047|Mönchengladbach=41061|Lübeck=23552|Göttingen=37073|Passau=94032|"
        "Münster=48143"
    ),
    "AT": _places("Wien=1010|Graz=8010|Linz=4020|Salzburg=5020|Innsbruck=6020|Klagenfurt=9020"),
    "CH": _places("Zürich=8001|Basel=4051|Bern=3011|Luzern=6003|St. Gallen=9000|Genève=1201"),
    "GB": _places(
        "London=EC2A 4NE|Manchester=M2 3WQ|Birmingham=B3 2BJ|Leeds=LS1 4AP|Bristol=BS1 5TR|"
        "Southampton=SO14 3TL|Edinburgh=EH2 2ER|Glasgow=G2 1DY"
    ),
    "IE": _places(
        "Dublin=D02 X285|Cork=T12 R2NC|Shannon=V14 E972|Galway=H91 P2DK|Limerick=V94 T9PX"
    ),
    "NL": _places(
        "Amsterdam=1012 AB|Rotterdam=3012 CN|Utrecht=3511 AB|Eindhoven=5611 AA|"
        "Den Haag=2511 BT|Groningen=9711 LM"
    ),
    "FR": _places(
        "Paris=75009|Lyon=69002|Marseille=13001|Lille=59000|Bordeaux=33000|Strasbourg=67000"
    ),
    "IT": _places("Milano=20121|Como=22100|Torino=10121|Bologna=40121"),
    "LU": _places("Luxembourg=L-1611|Esch-sur-Alzette=L-4001"),
    "US": _places("Philadelphia=19107|San Francisco=94105|Chicago=60601|Boston=02110|Austin=78701"),
}
STREETS: dict[str, tuple[str, ...]] = {
    "DE": _words(
        "Hauptstraße|Bahnhofstraße|Industriestraße|Gewerbering|Lindenallee|Schillerstraße|"
        "Goethestraße|Am Mühlbach|Königsallee|Friedrichstraße|Brückenstraße|Kaiserstraße|"
        "Weißenburger Straße|Äußere Sulzbacher Straße|Am Sandtorkai|Zur Gießerei"
    ),
    "AT": _words("Mariahilfer Straße|Landstraßer Hauptstraße|Herrengasse|Wiener Straße"),
    "CH": _words("Bahnhofstrasse|Seestrasse|Rue du Rhône|Industriestrasse"),
    "GB": _words("Deansgate|High Street|Canute Road|Bedford Row|King Street"),
    "IE": _words("Grafton Street|Harcourt Road|Dock Road|Main Street"),
    "NL": _words("Weena|Vleutensevaart|Keizersgracht|Stationsplein|Industrieweg"),
    "FR": _words("Rue des Martyrs|Avenue Jean Jaurès|Boulevard Haussmann|Quai Saint-Antoine"),
    "IT": _words("Via Borgo Vico|Via Roma|Corso Vittorio Emanuele II|Via Garibaldi"),
    "LU": _words("Avenue de la Gare|Boulevard Royal|Rue de Hollerich"),
    "US": _words("Market Street|Main Street|Congress Avenue|Michigan Avenue"),
}
BUILDING_FIRST = frozenset({"GB", "IE", "FR", "LU", "US"})

# BBAN = a bank code + that many digits; only countries without a national check digit that
# python-stdnum verifies (BE, ES, NO, ME have one), so every generated IBAN loads.
BANK_CODES: dict[str, tuple[tuple[str, ...], int]] = {
    "DE": (_words("70040041|37040044|60050101|20050550|50050201|76050101|30050110"), 10),
    "AT": (_words("20111|12000|32000|14000|38000"), 11),
    "CH": (_words("00700|00235|09000|08390"), 12),
    "NL": (_words("ABNA|RABO|INGB|TRIO|SNSB|KNAB"), 10),
    "GB": (_words("NWBK|BARC|LOYD|HSBC|MIDL"), 14),
    "IE": (_words("AIBK|BOFI|IPBS"), 14),
    "FR": (_words("30004|30003|10107|20041"), 18),
    "IT": (_words("X0306909606|A0200801600|K0503401633"), 12),
    "LU": (_words("001|002|003|019"), 13),
}

PERSONS = _words(
    "Maria Bernasconi|Thomas Lindqvist|Sabine Ortlieb|Jürgen Pfaff|Claire Dubreuil|Henrik Aasen|"
    "Petra Zimmerling|Ole Brenninkmeijer|Giulia Pasquetti"
)
NOISE_OUT = (
    ("Finanzamt München", "Umsatzsteuer {month}/2026 StNr 143/218/40917"),
    ("Finanzamt München", "Lohnsteuer {month}/2026"),
    ("AOK Bayern", "Beitragsnachweis {month}/2026"),
    ("Stadtwerke München", "Strom Abschlag {month}/2026 Vertrag 7781204"),
    ("Allianz Versicherungs-AG", "Versicherungsbeitrag Police 40/7719-2"),
    ("Deutsche Rentenversicherung", "Beitrag {month}/2026"),
    ("Amazon Payments Europe S.C.A.", "Bestellung 302-8812731-5519217"),
    ("", "Gehalt {month}/2026 lt. Liste"),
    ("", "Bargeldeinzahlung Filiale"),
)
NOISE_IN = (
    ("Allianz Versicherungs-AG", "Schadensregulierung Az 8817/26"),
    ("", "Rueckerstattung Kaution Lager Nord"),
    ("", "Erstattung Reisekosten"),
    ("AOK Bayern", "Erstattung U1 Umlage"),
)

SALES = (
    ("4000", "consulting"),
    ("4000", "implementation"),
    ("4100", "hardware"),
    ("4100", "network equipment"),
    ("4200", "maintenance contract"),
    ("4200", "support retainer"),
)
PURCHASES = (
    ("6100", "rent"),
    ("6200", "software subscription"),
    ("6300", "office supplies"),
    ("6500", "freight"),
    ("6600", "advisory services"),
    ("6700", "telephone and internet"),
)
VENDOR_FORMATS: tuple[Callable[[int], str], ...] = (
    lambda n: f"RE-2026-{n:05d}",
    lambda n: f"INV-{n:06d}",
    lambda n: f"{n}/2026",
    lambda n: f"R{n:07d}",
    lambda n: f"F-26-{n:05d}",
    lambda n: f"RG{n:06d}",
)


# -- helpers -----------------------------------------------------------------------------------


def money(value: Decimal) -> str:
    return str(value.quantize(CENT))


def mod97(text: str) -> int:
    """ISO 7064 mod 97-10 of an alphanumeric string (letters count 10..35)."""
    return int("".join(str(int(c, 36)) for c in text)) % 97


def iban_with_check(country: str, bban: str) -> str:
    return f"{country}{98 - mod97(bban + country + '00'):02d}{bban}"


def rf_reference(document_no: str) -> str:
    """The ISO 11649 creditor reference for a document no. (only its letters and digits)."""
    body = "".join(c for c in document_no.upper() if c.isalnum())
    return f"RF{98 - mod97(body + 'RF00'):02d}{body}"


_ACCENTS = {"ß": "ss", "é": "e", "è": "e", "ê": "e", "É": "E", "à": "a", "â": "a", "ç": "c"}
_ACCENTS.update({"ô": "o", "î": "i"})
_WRITTEN_OUT = str.maketrans(
    {"ä": "ae", "ö": "oe", "ü": "ue", "Ä": "Ae", "Ö": "Oe", "Ü": "Ue"} | _ACCENTS
)
_DROPPED = str.maketrans({"ä": "a", "ö": "o", "ü": "u", "Ä": "A", "Ö": "O", "Ü": "U"} | _ACCENTS)


def transliterate(text: str, *, drop: bool = False) -> str:
    """Umlauts written out (ü -> ue) or dropped (ü -> u), accents removed, ß -> ss."""
    return text.translate(_DROPPED if drop else _WRITTEN_OUT)


LEGAL_FORM_VARIANTS: dict[str, tuple[str, ...]] = {
    "GmbH": ("G.m.b.H.", "GMBH", "Gesellschaft mbH"),
    "AG": ("Aktiengesellschaft", "A.G."),
    "GmbH & Co. KG": ("GmbH u. Co. KG", "GMBH + CO KG"),
    "KG": ("K.G.",),
    "e.K.": ("e. K.", "eK"),
    "Ltd": ("Limited", "LTD."),
    "Limited": ("Ltd", "Ltd."),
    "PLC": ("plc", "Public Limited Company"),
    "DAC": ("D.A.C.",),
    "Inc": ("Inc.", "Incorporated"),
    "Inc.": ("Inc", "INC"),
    "LLC": ("L.L.C.",),
    "Corp": ("Corporation",),
    "B.V.": ("BV", "B V"),
    "N.V.": ("NV",),
    "S.A.": ("SA",),
    "SA": ("S.A.",),
    "S.A.S.": ("SAS",),
    "SARL": ("S.A.R.L.", "Sarl"),
    "S.à r.l.": ("SARL", "S.a r.l."),
    "S.p.A.": ("SpA", "S.P.A."),
    "S.r.l.": ("Srl", "S.R.L."),
}


@dataclass
class Party:
    kind: str  # "customer" | "vendor"
    no: str
    base: str  # the name without its legal form
    form: str
    country: str
    street: str
    building: str
    postcode: str
    city: str
    ibans: list[str]
    terms: str
    ext_format: int = 0
    ext_next: int = 0

    @property
    def name(self) -> str:
        return f"{self.base} {self.form}"

    @property
    def address(self) -> str:
        if self.country in BUILDING_FIRST:
            return f"{self.building} {self.street}"
        return f"{self.street} {self.building}"

    def master(self) -> dict[str, Any]:
        return {
            "no": self.no,
            "name": self.name,
            "address": self.address,
            "city": self.city,
            "country": self.country,
            "ibans": list(self.ibans),
            "payment_terms": self.terms,
        }


@dataclass
class Doc:
    kind: str  # "invoice" | "credit-memo"
    party: Party
    amount: Decimal  # as posted: sales invoice > 0, credit memo < 0, purchase invoice < 0
    posted: date
    due: date
    gl: str
    topic: str
    seq: int
    external: str = ""
    discount: Decimal = ZERO  # positive; with discount_date
    discount_date: date | None = None
    no: str = ""


@dataclass
class Answer:
    expect: str  # "apply" | "none" | "mapping"
    party: Party | None = None
    applied: list[tuple[Doc, Decimal, Decimal]] = field(default_factory=list)  # doc, amt, disc
    difference: Decimal = ZERO
    difference_to: str | None = None
    account: tuple[str, str] | None = None  # mapping target
    reason: str = ""
    about: Doc | None = None  # the document a "none" answer is about


@dataclass
class Line:
    day: date
    amount: Decimal
    category: str
    answer: Answer
    text: Callable[[], str]
    name: str = ""
    iban: str = ""
    postal: Party | None = None
    rf: Doc | None = None
    rf_grouped: bool = False
    family: str = ""
    tiebreak: float = 0.0


def _evidence(party: Party, mode: str, w: Workload) -> tuple[str, str]:
    """Counterparty name and IBAN of a line from ``party``: full, name, iban, unknown_iban."""
    iban = w.rng.choice(party.ibans) if party.ibans else ""
    if mode == "name":
        return party.name, ""
    if mode == "iban":
        return "", iban
    if mode == "unknown_iban" or not iban:
        return party.name, w.fresh_iban(party.country)
    return party.name, iban


class Workload:
    """Builds parties, documents and lines; ``write`` renders them into a folder."""

    def __init__(self, lines: int, open_entries: int | None, seed: int) -> None:
        if lines < MIN_LINES:
            raise ValueError(f"--lines must be at least {MIN_LINES}")
        self.rng = random.Random(seed)
        self.seed = seed
        self.n_lines = lines
        self.target_entries = open_entries if open_entries is not None else 4 * lines
        self.taken: set[int] = set()
        self.ibans: set[str] = set()
        self.externals: set[str] = set()
        self.docs: list[Doc] = []
        self.lines: list[Line] = []
        self.counts = allocate(lines)
        combined = self.counts["combined"]
        self.exclusive_needed = sum(1 for i in range(combined) if i % 10 >= 7)
        n_customers = max(40, self.target_entries // 20, 3 * self.exclusive_needed + 40)
        n_vendors = max(15, self.target_entries // 80)
        self.names: set[str] = set()
        self.customers = self._parties("customer", n_customers)
        self.vendors = self._parties("vendor", n_vendors)
        with_iban = [c for c in self.customers[len(NEAR_DUPLICATES) :] if c.ibans]
        self.exclusive = with_iban[-self.exclusive_needed :] if self.exclusive_needed else []
        reserved = {c.no for c in self.exclusive}
        self.pool = [c for c in self.customers if c.no not in reserved]
        self.near = self.customers[: len(NEAR_DUPLICATES)]
        self.accented = [c for c in self.pool if transliterate(c.name) != c.name]
        days = [PERIOD_START + timedelta(days=i) for i in range((PERIOD_END - PERIOD_START).days)]
        self.business_days = [d for d in days if d.weekday() < 5 and (d.month, d.day) != (12, 25)]

    # -- parties -------------------------------------------------------------------------------

    def _parties(self, kind: str, count: int) -> list[Party]:
        rng = self.rng
        prefix = "C" if kind == "customer" else "V"
        result: list[Party] = []
        countries = list(COUNTRY_WEIGHTS)
        weights = list(COUNTRY_WEIGHTS.values())
        for index in range(count):
            if kind == "customer" and index < len(NEAR_DUPLICATES):
                country, brand, sector, form = NEAR_DUPLICATES[index]
                base = f"{brand} {sector}"
            else:
                base, form, country = self._name(rng.choices(countries, weights)[0])
            self.names.add(f"{base} {form}")
            city, postcode = rng.choice(PLACES[country])
            roll = rng.random()
            missing = 0.10 if kind == "customer" else 0.08
            two = 0.08 if kind == "customer" else 0.04
            n_ibans = 0 if roll < missing else 2 if roll < missing + two else 1
            party = Party(
                kind=kind,
                no=f"{prefix}{index + 1:05d}",
                base=base,
                form=form,
                country=country,
                street=rng.choice(STREETS[country]),
                building=str(rng.randint(1, 240)),
                postcode=postcode,
                city=city,
                ibans=[self.fresh_iban(country) for _ in range(n_ibans)],
                terms=rng.choice(("NET30", "NET30", "NET14", "EOM15")),
                ext_format=rng.randrange(len(VENDOR_FORMATS)),
                ext_next=rng.randint(1000, 90000),
            )
            result.append(party)
        return result

    def _name(self, country: str) -> tuple[str, str, str]:
        """A company name not given yet: (name without legal form, legal form, country)."""
        rng = self.rng
        for _ in range(200):
            if country in ("DE", "AT", "CH"):
                forms = {"DE": _DE_FORMS, "AT": _AT_FORMS, "CH": _CH_FORMS}[country]
                form = rng.choice(forms)
                brand, sector = rng.choice(_DE_BRANDS), rng.choice(_DE_SECTORS)
                roll = rng.random()
                if form == "e.K.":
                    base = f"{sector} {brand}"
                elif roll < 0.12:
                    base = f"{brand} & {rng.choice(('Söhne', 'Partner'))} {sector}"
                else:
                    base = f"{brand} {sector}"
            elif country in ("GB", "IE", "US"):
                brands, sectors = (
                    (_US_BRANDS, _US_SECTORS) if country == "US" else (_GB_BRANDS, _GB_SECTORS)
                )
                form = rng.choice({"GB": _GB_FORMS, "IE": _IE_FORMS, "US": _US_FORMS}[country])
                base = f"{rng.choice(brands)} {rng.choice(sectors)}"
            elif country == "NL":
                form = rng.choice(_NL_FORMS)
                brand = rng.choice(_NL_BRANDS)
                base = (
                    f"{brand} & Zonen"
                    if rng.random() < 0.1
                    else f"{brand} {rng.choice(_NL_SECTORS)}"
                )
            elif country in ("FR", "LU"):
                form = rng.choice(_FR_FORMS if country == "FR" else _LU_FORMS)
                base = f"{rng.choice(_FR_BRANDS)} {rng.choice(_FR_SECTORS)}"
            else:
                form = rng.choice(_IT_FORMS)
                base = f"{rng.choice(_IT_SECTORS)} {rng.choice(_IT_BRANDS)}"
            if f"{base} {form}" not in self.names:
                return base, form, country
            country = "DE"  # the largest pool: retry there
        raise RuntimeError("ran out of distinct company names")

    def fresh_iban(self, country: str) -> str:
        if country not in BANK_CODES:  # US parties bank in Ireland or the UK
            country = "IE" if self.rng.random() < 0.5 else "GB"
        codes, digits = BANK_CODES[country]
        while True:
            account = "".join(self.rng.choice(string.digits) for _ in range(digits))
            iban = iban_with_check(country, self.rng.choice(codes) + account)
            if iban not in self.ibans:
                self.ibans.add(iban)
                return iban

    def customer(self, *, iban: bool = False) -> Party:
        while True:
            party = self.rng.choice(self.pool)
            if party.ibans or not iban:
                return party

    def vendor(self, *, iban: bool = False) -> Party:
        while True:
            party = self.rng.choice(self.vendors)
            if party.ibans or not iban:
                return party

    # -- amounts and dates ---------------------------------------------------------------------

    def _draw(self, low: int = 50) -> int:
        roll = self.rng.random()
        if roll < 0.70:
            return self.rng.randint(max(low, 50) * 100, 5_000 * 100)
        if roll < 0.95:
            return self.rng.randint(5_000 * 100, 25_000 * 100)
        return self.rng.randint(25_000 * 100, 80_000 * 100)

    def claim(self, amount: Decimal) -> bool:
        """Reserve an amount (by its absolute value); False if some entry or line has it."""
        cents = int(abs(amount) * 100)
        if cents in self.taken:
            return False
        self.taken.add(cents)
        return True

    def fresh(self, low: int = 50) -> Decimal:
        """An amount no other open entry or line has (now reserved)."""
        while True:
            amount = Decimal(self._draw(low)).scaleb(-2)
            if self.claim(amount):
                return amount

    def fresh_round(self) -> Decimal:
        """A round amount (whole tens) when one is free, else any fresh amount."""
        for _ in range(20):
            amount = Decimal(self.rng.randint(10, 1500) * 10).quantize(CENT)
            if self.claim(amount):
                return amount
        return self.fresh()

    def fresh_pair(self, pct: int) -> tuple[Decimal, Decimal]:
        """An invoice amount and its discount, both the amount and the discounted one free."""
        while True:
            amount = Decimal(self._draw(100)).scaleb(-2)
            discount = (amount * pct / 100).quantize(CENT, ROUND_HALF_UP)
            cents = (int(amount * 100), int((amount - discount) * 100))
            if cents[0] not in self.taken and cents[1] not in self.taken:
                self.taken.update(cents)
                return amount, discount

    def day(self, *, latest: date = PERIOD_END) -> date:
        return self.rng.choice([d for d in self.business_days if d <= latest])

    def before(self, day: date, low: int = 3, high: int = 120) -> date:
        return max(HISTORY_START, day - timedelta(days=self.rng.randint(low, high)))

    # -- documents -----------------------------------------------------------------------------

    def invoice(
        self,
        party: Party,
        amount: Decimal,
        posted: date,
        *,
        discount: Decimal = ZERO,
        discount_days: int = 0,
        kind: str = "invoice",
    ) -> Doc:
        rng = self.rng
        if party.kind == "customer":
            gl, topic = rng.choice(SALES)
            external = ""
            if kind == "invoice" and rng.random() < 0.4:
                external = self._external(lambda: f"PO-{rng.randint(4_500_000_000, 4_599_999_999)}")
            signed = amount if kind == "invoice" else -amount
        else:
            gl, topic = rng.choice(PURCHASES)
            external = self._external(lambda: self._vendor_no(party))
            signed = -amount
        doc = Doc(
            kind=kind,
            party=party,
            amount=signed,
            posted=posted,
            due=posted + timedelta(days=rng.choice((14, 30, 30, 45))),
            gl=gl,
            topic=topic,
            seq=len(self.docs),
            external=external,
        )
        if discount:
            doc.discount = discount
            doc.discount_date = posted + timedelta(days=discount_days)
            doc.due = posted + timedelta(days=30)
        self.docs.append(doc)
        return doc

    def _vendor_no(self, party: Party) -> str:
        party.ext_next += self.rng.randint(1, 40)
        return VENDOR_FORMATS[party.ext_format](party.ext_next)

    def _external(self, make: Callable[[], str]) -> str:
        while True:
            value = make()
            if value not in self.externals:
                self.externals.add(value)
                return value

    # -- lines ---------------------------------------------------------------------------------

    def add(self, line: Line) -> None:
        line.tiebreak = self.rng.random()
        if not line.family:
            line.family = "RCDT" if line.amount > 0 else "ICDT"
        self.lines.append(line)

    def build(self) -> None:
        makers: dict[str, Callable[[int], None]] = {
            "exact_reference": self._exact_reference,
            "rf_reference": self._rf_reference,
            "name_variant": self._name_variant,
            "iban_only": self._iban_only,
            "equal_amounts_across_customers": self._equal_amounts,
            "partial": self._partial,
            "overpayment": self._overpayment,
            "combined": self._combined,
            "discount": self._discount,
            "fee": self._fee,
            "refund": self._refund,
            "vendor_payment": self._vendor_payment,
            "before_invoice": self._before_invoice,
            "no_counterpart": self._no_counterpart,
        }
        for category in CATEGORIES:
            if category == "instalments":
                self._instalments(self.counts[category])
                continue
            for i in range(self.counts[category]):
                makers[category](i)
        self._decoys()
        self._number()
        self.lines.sort(key=lambda line: (line.day, line.tiebreak))

    def _apply(
        self,
        party: Party,
        parts: Sequence[tuple[Doc, Decimal]],
        *,
        discounts: Sequence[Decimal] = (),
        difference: Decimal = ZERO,
        to: str | None = None,
    ) -> Answer:
        applied = [
            (doc, amount, discounts[i] if i < len(discounts) else ZERO)
            for i, (doc, amount) in enumerate(parts)
        ]
        return Answer("apply", party, applied, difference, to)

    def _exact_reference(self, i: int) -> None:
        c = self.customer()
        amount = self.fresh()
        day = self.day()
        doc = self.invoice(c, amount, self.before(day))
        name, iban = _evidence(c, ("full", "full", "full", "name", "unknown_iban")[i % 5], self)
        templates = (
            "Rechnung {no}",
            "RE {no} Kd-Nr {cust}",
            "Invoice {no}",
            "{no}",
            "Zahlung zu Rechnung {no} vom {posted}",
            "Payment {no} thank you",
            "INV {no} {po}",
        )
        template = self.rng.choice(templates)

        def text() -> str:
            return template.format(
                no=doc.no, cust=c.no, posted=f"{doc.posted:%d.%m.%Y}", po=doc.external
            ).strip()

        postal = c if self.rng.random() < 0.25 else None
        answer = self._apply(c, [(doc, amount)])
        self.add(Line(day, amount, "exact_reference", answer, text, name, iban, postal))

    def _rf_reference(self, i: int) -> None:
        c = self.customer()
        amount = self.fresh()
        day = self.day()
        doc = self.invoice(c, amount, self.before(day))
        name, iban = _evidence(c, "full" if i % 3 != 2 else "name", self)
        generic = ("", "Zahlung", "Payment", "SEPA Ueberweisung", "")[i % 5]
        line = Line(
            day,
            amount,
            "rf_reference",
            self._apply(c, [(doc, amount)]),
            lambda: generic,
            name,
            iban,
            rf=doc,
            rf_grouped=i % 4 == 1,
        )
        self.add(line)

    def _name_variant(self, i: int) -> None:
        kinds = ("legal_form", "word_order", "umlaut", "upper", "upper_umlaut", "truncated")
        kind = kinds[i % len(kinds)]
        if kind in ("umlaut", "upper_umlaut"):
            c = self.rng.choice(self.accented)
        elif i % 7 == 0:
            c = self.rng.choice(self.near)
        else:
            c = self.customer()
        variant = name_variant(c, kind, self.rng)
        amount = self.fresh()
        day = self.day()
        doc = self.invoice(c, amount, self.before(day))
        with_number = i % 2 == 0
        template = self.rng.choice(
            ("Rechnung {no}", "{no}", "Invoice {no} payment")
            if with_number
            else ("Zahlung Rechnung vom {posted}", "Payment", "Ueberweisung", "")
        )

        def text() -> str:
            return template.format(no=doc.no, posted=f"{doc.posted:%d.%m.%Y}")

        answer = self._apply(c, [(doc, amount)])
        self.add(Line(day, amount, "name_variant", answer, text, variant, ""))

    def _iban_only(self, i: int) -> None:
        c = self.customer(iban=True)
        amount = self.fresh()
        day = self.day()
        doc = self.invoice(c, amount, self.before(day))
        iban = c.ibans[i % len(c.ibans)]
        generic = ("Zahlung", "Ueberweisung", "Payment", "Rechnungsausgleich", "")[i % 5]
        answer = self._apply(c, [(doc, amount)])
        self.add(Line(day, amount, "iban_only", answer, lambda: generic, "", iban))

    def _equal_amounts(self, i: int) -> None:
        size = self.rng.randint(2, 4)
        group: list[Party] = []
        words: set[str] = set()
        payer = self.customer(iban=i % 5 in (0, 1))
        group.append(payer)
        words.add(payer.base.split()[0])
        while len(group) < size:
            other = self.customer()
            if other.base.split()[0] not in words:
                group.append(other)
                words.add(other.base.split()[0])
        amount = self.fresh_round()
        day = self.day()
        docs = [self.invoice(p, amount, self.before(day)) for p in group]
        generic = self.rng.choice(("Zahlung", "Payment", "Ueberweisung Dezember", ""))
        variant = i % 5
        if variant == 4:
            answer = Answer("none", reason="equal amounts, no party evidence")
            name, iban = "", ""
        else:
            answer = self._apply(payer, [(docs[0], amount)])
            name, iban = ("", payer.ibans[0]) if variant in (0, 1) else (payer.name, "")
        line = Line(day, amount, "equal_amounts_across_customers", answer, lambda: generic)
        line.name, line.iban = name, iban
        self.add(line)

    def _partial(self, i: int) -> None:
        c = self.customer()
        amount = self.fresh(200)
        day = self.day()
        doc = self.invoice(c, amount, self.before(day))
        while True:
            part = (amount * Decimal(self.rng.randint(20, 80)) / 100).quantize(CENT)
            if self.claim(part):
                break
        name, iban = _evidence(c, "full" if i % 3 else "name", self)
        template = self.rng.choice(
            ("Teilzahlung {no}", "Abschlag auf {no}", "Part payment invoice {no}")
        )
        answer = self._apply(c, [(doc, part)])
        self.add(Line(day, part, "partial", answer, lambda: template.format(no=doc.no), name, iban))

    def _overpayment(self, i: int) -> None:
        c = self.customer()
        amount = self.fresh(100)
        day = self.day()
        doc = self.invoice(c, amount, self.before(day))
        while True:
            rounded = (amount / 100).to_integral_value(rounding=ROUND_CEILING) * 100
            extra = rounded - amount
            if extra < 10 or self.rng.random() < 0.5:
                extra = Decimal(self.rng.randint(1_000, 30_000)).scaleb(-2)
            paid = amount + extra
            if self.claim(paid):
                break
        name, iban = _evidence(c, "full" if i % 3 else "name", self)
        template = self.rng.choice(("Rechnung {no}", "{no}", "Invoice {no}"))
        answer = self._apply(c, [(doc, amount)], difference=extra, to="on_account")
        line = Line(day, paid, "overpayment", answer, lambda: template.format(no=doc.no))
        line.name, line.iban = name, iban
        self.add(line)

    def _combined(self, i: int) -> None:
        exclusive = i % 10 >= 7
        c = self.exclusive.pop() if exclusive else self.customer()
        day = self.day()
        while True:
            amounts = [self.fresh() for _ in range(self.rng.randint(2, 4))]
            total = sum(amounts, ZERO)
            if self.claim(total):
                break
        docs = [self.invoice(c, a, self.before(day)) for a in amounts]
        name, iban = _evidence(c, "full", self)
        if exclusive:
            generic = self.rng.choice(
                ("Sammelzahlung Dezember", "Ausgleich offene Posten", "Payment open items")
            )

            def text() -> str:
                return generic
        else:
            joiner = self.rng.choice((" ", ", ", "/"))
            lead = self.rng.choice(("Rechnungen ", "Sammelzahlung ", "INV ", ""))

            def text() -> str:
                return lead + joiner.join(d.no for d in docs)

        answer = self._apply(c, list(zip(docs, amounts, strict=True)))
        self.add(Line(day, total, "combined", answer, text, name, iban))

    def _instalments(self, count: int) -> None:
        sizes: list[int] = []
        while count > 0:
            size = count if count in (2, 3) else 2 if count == 4 else self.rng.choice((2, 3))
            sizes.append(size)
            count -= size
        for index, size in enumerate(sizes):
            self._instalment_group(index, size)

    def _instalment_group(self, index: int, size: int) -> None:
        c = self.customer()
        amount = self.fresh(300)
        while True:
            cuts = sorted(self.rng.sample(range(15, 86), size - 1))
            points = [ZERO, *((amount * cut / 100).quantize(CENT) for cut in cuts), amount]
            parts = [b - a for a, b in itertools.pairwise(points)]
            if len(set(parts)) == size and all(self.claim(p) for p in parts):
                break
        days = sorted(self.rng.sample(self.business_days, size))
        doc = self.invoice(c, amount, self.before(days[0]))
        name, iban = _evidence(c, "full" if index % 3 else "name", self)
        template = self.rng.choice(
            ("{k}. Rate {no}", "Rate {k}/{n} {no}", "Instalment {k} of {n} invoice {no}")
        )
        for k, (part, day) in enumerate(zip(parts, days, strict=True), start=1):

            def text(k: int = k) -> str:
                return template.format(k=k, n=size, no=doc.no)

            answer = self._apply(c, [(doc, part)])
            self.add(Line(day, part, "instalments", answer, text, name, iban))

    def _discount(self, i: int) -> None:
        c = self.customer(iban=i % 3 == 2)
        pct, days = (2, 10) if i % 2 else (3, 7)
        amount, discount = self.fresh_pair(pct)
        day = self.day()
        posted = max(HISTORY_START, day - timedelta(days=self.rng.randint(0, days - 1)))
        doc = self.invoice(c, amount, posted, discount=discount, discount_days=days)
        paid = amount - discount
        if i % 3 == 2:
            name, iban = "", c.ibans[0]
            template = "Zahlung abzgl. Skonto"
        else:
            name, iban = _evidence(c, "full", self)
            template = self.rng.choice(
                (
                    "{no} abzgl. {pct}% Skonto",
                    "Rechnung {no} ./. Skonto",
                    "Invoice {no} less {pct}% discount",
                )
            )

        def text() -> str:
            return template.format(no=doc.no, pct=pct)

        answer = self._apply(c, [(doc, amount)], discounts=[discount])
        self.add(Line(day, paid, "discount", answer, text, name, iban))

    def _fee(self, i: int) -> None:
        while True:
            amount = -Decimal(self.rng.randint(50, 4_990)).scaleb(-2)
            if self.claim(amount):
                break
        day = self.day()
        template = FEE_TEXTS[i % len(FEE_TEXTS)]
        text = template.format(month=f"{day.month:02d}", day=f"{day:%d.%m.%Y}")
        answer = Answer("mapping", account=("gl", FEE_ACCOUNT))
        name = "Commerzbank AG" if i % 2 else ""
        self.add(Line(day, amount, "fee", answer, lambda: text, name, "", family="CHRG"))

    def _refund(self, i: int) -> None:
        with_number = i % 3 != 2
        c = self.customer(iban=not with_number)
        amount = self.fresh()
        day = self.day()
        doc = self.invoice(c, amount, self.before(day), kind="credit-memo")
        name, iban = _evidence(c, "full", self)
        template = (
            self.rng.choice(
                ("Gutschrift {no}", "Erstattung Gutschrift {no}", "Refund credit note {no}")
            )
            if with_number
            else "Erstattung"
        )
        answer = self._apply(c, [(doc, -amount)])
        self.add(
            Line(day, -amount, "refund", answer, lambda: template.format(no=doc.no), name, iban)
        )

    def _vendor_payment(self, i: int) -> None:
        variant = i % 4
        v = self.vendor(iban=variant == 3)
        amount = self.fresh()
        day = self.day()
        doc = self.invoice(v, amount, self.before(day, 1, 60))
        name, iban = _evidence(v, ("full", "full", "unknown_iban", "full")[variant], self)
        if variant == 3:
            template = self.rng.choice(("Rechnung vom {posted}", "Zahlung {month}/2026", ""))
        else:
            template = self.rng.choice(
                ("RE {ext}", "Rechnung {ext}", "{ext}", "Invoice {ext}", "{ext} Kd-Nr 10{vend}")
            )

        def text() -> str:
            return template.format(
                ext=doc.external,
                posted=f"{doc.posted:%d.%m.%Y}",
                month=f"{doc.posted.month:02d}",
                vend=v.no[1:],
            )

        answer = self._apply(v, [(doc, -amount)])
        self.add(Line(day, -amount, "vendor_payment", answer, text, name, iban))

    def _before_invoice(self, i: int) -> None:
        c = self.customer(iban=True)
        amount = self.fresh()
        day = self.day(latest=PERIOD_END - timedelta(days=11))
        doc = self.invoice(c, amount, day + timedelta(days=self.rng.randint(1, 10)))
        order = f"AB-{self.rng.randint(10000, 99999)}"
        template = "Vorauszahlung {no}" if i % 2 else "Anzahlung Auftrag {order}"
        answer = Answer("none", reason="the invoice is posted after the payment", about=doc)

        def text() -> str:
            return template.format(no=doc.no, order=order)

        self.add(Line(day, amount, "before_invoice", answer, text, c.name, c.ibans[0]))

    def _no_counterpart(self, i: int) -> None:
        day = self.day()
        answer = Answer("none", reason="no counterpart")
        if i % 10 == 9:  # the amount of a decoy invoice, paid by nobody we know
            amount = self.fresh()
            self.invoice(self.customer(), amount, self.before(day))
            name = self.rng.choice(PERSONS)
            text = self.rng.choice(("Ueberweisung", "Zahlung", "Danke"))
            self.add(
                Line(
                    day, amount, "no_counterpart", answer, lambda: text, name, self.fresh_iban("DE")
                )
            )
            return
        outgoing = i % 10 < 6
        name, template = self.rng.choice(NOISE_OUT if outgoing else NOISE_IN)
        amount = self.fresh()
        text = template.format(month=f"{day.month - 1:02d}")
        iban = self.fresh_iban("DE") if name else ""
        signed = -amount if outgoing else amount
        self.add(Line(day, signed, "no_counterpart", answer, lambda: text, name, iban))

    # -- decoys and numbering ------------------------------------------------------------------

    def _decoys(self) -> None:
        rng = self.rng
        span = (PERIOD_END - HISTORY_START).days
        remaining = self.target_entries - len(self.docs)
        while remaining > 0:
            posted = HISTORY_START + timedelta(days=rng.randint(0, span))
            roll = rng.random()
            if roll < 0.05 and remaining >= 2:  # equal amounts across customers
                amount = self.fresh_round() if rng.random() < 0.5 else self.fresh()
                parties: list[Party] = []
                size = min(remaining, rng.randint(2, 3))
                while len(parties) < size:
                    party = self.customer()
                    if party not in parties:
                        parties.append(party)
                for party in parties:
                    day = HISTORY_START + timedelta(days=rng.randint(0, span))
                    self.invoice(party, amount, day)
                remaining -= len(parties)
                continue
            if roll < 0.68:
                if rng.random() < 0.1:
                    pct, days = rng.choice(((2, 10), (3, 7)))
                    amount, discount = self.fresh_pair(pct)
                    self.invoice(
                        self.customer(), amount, posted, discount=discount, discount_days=days
                    )
                else:
                    self.invoice(self.customer(), self.fresh(), posted)
            elif roll < 0.95:
                self.invoice(self.vendor(), self.fresh(), posted)
            else:
                self.invoice(self.customer(), self.fresh(), posted, kind="credit-memo")
            remaining -= 1

    def _number(self) -> None:
        counters = {"SI": 100001, "SC": 700001, "PI": 300001}
        for doc in sorted(self.docs, key=lambda d: (d.posted, d.seq)):
            series = "PI" if doc.party.kind == "vendor" else "SI" if doc.kind == "invoice" else "SC"
            doc.no = f"{series}-{counters[series]}"
            counters[series] += 1

    # -- output --------------------------------------------------------------------------------

    def write(self, out: Path) -> dict[str, Any]:
        out.mkdir(parents=True, exist_ok=True)
        template = json.loads(TEMPLATE.read_text(encoding="utf-8"))
        (out / "company.json").write_text(
            json.dumps(self._company(template), indent=2, ensure_ascii=False) + "\n",
            encoding="utf-8",
        )
        self._write_opening(out / "opening.csv")
        bank = next(b for b in template["banks"] if b["no"] == BANK_NO)
        total = self._write_statement(out / "statement.xml", bank["iban"], bank["bic"])
        answers = [self._answer(n, line) for n, line in enumerate(self.lines, start=1)]
        counts = {c: sum(1 for line in self.lines if line.category == c) for c in CATEGORIES}
        expects = {
            e: sum(1 for a in answers if a["expect"] == e) for e in ("apply", "mapping", "none")
        }
        summary: dict[str, Any] = {
            "generator": "gen_cashapp",
            "seed": self.seed,
            "lines": len(self.lines),
            "open_entries": len(self.docs),
            "customers": len(self.customers),
            "vendors": len(self.vendors),
            "bank": BANK_NO,
            "statement_ref": STATEMENT_REF,
            "opening_balance": money(OPENING_BALANCE),
            "closing_balance": money(OPENING_BALANCE + total),
            "weights": WEIGHTS,
            "categories": counts,
            "expect": expects,
        }
        (out / "answers.json").write_text(
            json.dumps({**summary, "answers": answers}, indent=1, ensure_ascii=False) + "\n",
            encoding="utf-8",
        )
        mappings = {"mappings": list(MAPPINGS), "commands": map_commands()}
        (out / "mappings.json").write_text(json.dumps(mappings, indent=2) + "\n", encoding="utf-8")
        return summary

    def _company(self, template: dict[str, Any]) -> dict[str, Any]:
        bank = dict(next(b for b in template["banks"] if b["no"] == BANK_NO))
        bank.update(
            balance_last_statement=money(OPENING_BALANCE),
            last_statement_no=0,
            match_tolerance="0.00",
        )
        return {
            "company": template["company"],
            "currencies": [{"code": "EUR"}],
            "payment_terms": template["payment_terms"],
            "gl_accounts": template["gl_accounts"],
            "customers": [c.master() for c in self.customers],
            "vendors": [v.master() for v in self.vendors],
            "banks": [bank],
            "number_series": template["number_series"],
        }

    def _write_opening(self, path: Path) -> None:
        with path.open("w", encoding="utf-8", newline="") as handle:
            writer = csv.writer(handle, lineterminator="\n")
            writer.writerow(JOURNAL_COLUMNS)
            writer.writerow(
                [
                    OPENING_DATE,
                    "",
                    "OPEN-0001",
                    "",
                    "bank",
                    BANK_NO,
                    "Opening balance Commerzbank current account",
                    money(OPENING_BALANCE),
                    "",
                    "gl",
                    "2900",
                    "",
                    "",
                    "",
                    "",
                ]
            )
            for doc in sorted(self.docs, key=lambda d: (d.posted, d.no)):
                if doc.party.kind == "vendor":
                    description = f"Purchase invoice {doc.external} {doc.topic}"
                elif doc.kind == "invoice":
                    description = f"Invoice {doc.no} {doc.topic}"
                else:
                    description = f"Credit memo {doc.no} {doc.topic} price correction"
                writer.writerow(
                    [
                        doc.posted,
                        doc.kind,
                        doc.no,
                        doc.external,
                        doc.party.kind,
                        doc.party.no,
                        description,
                        money(doc.amount),
                        "",
                        "gl",
                        doc.gl,
                        doc.due,
                        "",
                        doc.discount_date or "",
                        money(doc.discount) if doc.discount_date else "",
                    ]
                )

    def _write_statement(self, path: Path, account_iban: str, bic: str) -> Decimal:
        total = sum((line.amount for line in self.lines), ZERO)
        closing = OPENING_BALANCE + total
        namespace = "urn:iso:std:iso:20022:tech:xsd:camt.053.001.08"
        head = (
            '<?xml version="1.0" encoding="UTF-8"?>\n'
            f'<Document xmlns="{namespace}">\n<BkToCstmrStmt>\n'
            f"<GrpHdr><MsgId>COBA053-CASHAPP-{self.seed}</MsgId>"
            "<CreDtTm>2026-12-31T19:00:00+01:00</CreDtTm></GrpHdr>\n"
            f"<Stmt><Id>{STATEMENT_REF}</Id><ElctrncSeqNb>12</ElctrncSeqNb>"
            "<CreDtTm>2026-12-31T19:00:00+01:00</CreDtTm>"
            f"<FrToDt><FrDtTm>{PERIOD_START}T00:00:00+01:00</FrDtTm>"
            f"<ToDtTm>{PERIOD_END}T23:59:59+01:00</ToDtTm></FrToDt>\n"
            f"<Acct><Id><IBAN>{account_iban}</IBAN></Id><Ccy>EUR</Ccy>"
            "<Ownr><Nm>Isarwerk Digital GmbH</Nm></Ownr>"
            f"<Svcr><FinInstnId><BICFI>{bic}</BICFI></FinInstnId></Svcr></Acct>\n"
            + _balance("OPBD", OPENING_BALANCE, PERIOD_START - timedelta(days=1))
            + _balance("CLBD", closing, PERIOD_END)
        )
        with path.open("w", encoding="utf-8", newline="\n") as out:
            out.write(head)
            for n, line in enumerate(self.lines, start=1):
                out.write(_entry(n, line))
            out.write("</Stmt>\n</BkToCstmrStmt>\n</Document>\n")
        return total

    def _answer(self, n: int, line: Line) -> dict[str, Any]:
        answer = line.answer
        result: dict[str, Any] = {
            "line": n,
            "category": line.category,
            "date": str(line.day),
            "amount": money(line.amount),
            "expect": answer.expect,
        }
        if answer.expect == "mapping":
            assert answer.account is not None
            result.update(account_type=answer.account[0], account_no=answer.account[1])
        elif answer.expect == "apply":
            assert answer.party is not None
            documents: dict[str, str] = {}
            discounts: dict[str, str] = {}
            for doc, amount, discount in answer.applied:
                documents[doc.no] = money(amount)
                if discount:
                    discounts[doc.no] = money(discount if amount > 0 else -discount)
            result.update(
                account_type=answer.party.kind,
                account_no=answer.party.no,
                documents=documents,
                discounts=discounts,
                difference=money(answer.difference),
                difference_to=answer.difference_to,
            )
        else:
            about = f" ({answer.about.no})" if answer.about is not None else ""
            result["reason"] = answer.reason + about
        return result


def name_variant(party: Party, kind: str, rng: random.Random) -> str:
    """The party's name as a bank file might spell it; never the registered spelling."""
    name = party.name
    if kind == "legal_form":
        variant = f"{party.base} {rng.choice(LEGAL_FORM_VARIANTS[party.form])}"
    elif kind == "word_order":
        words = name.split()
        variant = " ".join([*words[1:], words[0]])
    elif kind == "umlaut":
        variant = transliterate(name, drop=rng.random() < 0.3)
    elif kind == "upper_umlaut":
        variant = transliterate(name).upper()
    elif kind == "truncated" and len(name) > 27:
        variant = name[:27].rstrip()
    else:
        variant = name.upper()
    return variant if variant != name else name.upper()


def _balance(code: str, amount: Decimal, day: date) -> str:
    sign = "CRDT" if amount >= 0 else "DBIT"
    return (
        f"<Bal><Tp><CdOrPrtry><Cd>{code}</Cd></CdOrPrtry></Tp>"
        f'<Amt Ccy="EUR">{money(abs(amount))}</Amt><CdtDbtInd>{sign}</CdtDbtInd>'
        f"<Dt><Dt>{day}</Dt></Dt></Bal>\n"
    )


def _entry(n: int, line: Line) -> str:
    credit = line.amount > 0
    side = "CRDT" if credit else "DBIT"
    amount = money(abs(line.amount))
    role = "Dbtr" if credit else "Cdtr"
    if line.family == "CHRG":
        code = "<Cd>ACMT</Cd><Fmly><Cd>MDOP</Cd><SubFmlyCd>CHRG</SubFmlyCd></Fmly>"
        info = "Entgelte"
    else:
        code = f"<Cd>PMNT</Cd><Fmly><Cd>{line.family}</Cd><SubFmlyCd>ESCT</SubFmlyCd></Fmly>"
        info = "SEPA-Gutschrift" if credit else "SEPA-Ueberweisung"
    parties = ""
    if line.name:
        postal = ""
        if line.postal is not None:
            p = line.postal
            postal = (
                f"<PstlAdr><StrtNm>{escape(p.street)}</StrtNm><BldgNb>{p.building}</BldgNb>"
                f"<PstCd>{p.postcode}</PstCd><TwnNm>{escape(p.city)}</TwnNm>"
                f"<Ctry>{p.country}</Ctry></PstlAdr>"
            )
        parties += f"<{role}><Pty><Nm>{escape(line.name)}</Nm>{postal}</Pty></{role}>"
    if line.iban:
        parties += f"<{role}Acct><Id><IBAN>{line.iban}</IBAN></Id></{role}Acct>"
    if parties:
        parties = f"<RltdPties>{parties}</RltdPties>"
    text = line.text()
    remittance = f"<Ustrd>{escape(text)}</Ustrd>" if text else ""
    if line.rf is not None:
        ref = rf_reference(line.rf.no)
        if line.rf_grouped:
            ref = " ".join(ref[i : i + 4] for i in range(0, len(ref), 4))
        remittance += (
            "<Strd><CdtrRefInf><Tp><CdOrPrtry><Cd>SCOR</Cd></CdOrPrtry><Issr>ISO</Issr></Tp>"
            f"<Ref>{ref}</Ref></CdtrRefInf></Strd>"
        )
    if remittance:
        remittance = f"<RmtInf>{remittance}</RmtInf>"
    day = line.day
    return (
        f'<Ntry><Amt Ccy="EUR">{amount}</Amt><CdtDbtInd>{side}</CdtDbtInd>'
        f"<Sts><Cd>BOOK</Cd></Sts><BookgDt><Dt>{day}</Dt></BookgDt><ValDt><Dt>{day}</Dt></ValDt>"
        f"<AcctSvcrRef>{day:%Y%m%d}{n:08d}</AcctSvcrRef><BkTxCd><Domn>{code}</Domn></BkTxCd>"
        f"<NtryDtls><TxDtls><Refs><EndToEndId>E2E-{day:%Y%m%d}-{n:06d}</EndToEndId></Refs>"
        f'<Amt Ccy="EUR">{amount}</Amt><CdtDbtInd>{side}</CdtDbtInd>{parties}{remittance}'
        f"</TxDtls></NtryDtls><AddtlNtryInf>{info}</AddtlNtryInf></Ntry>\n"
    )


def allocate(lines: int) -> dict[str, int]:
    """Lines per category: the weights' shares by largest remainder, at least 1 each
    (instalments at least 2), adding up to ``lines``."""
    total = sum(WEIGHTS.values())
    exact = {c: Decimal(w * lines) / total for c, w in WEIGHTS.items()}
    counts = {c: max(int(v), 2 if c == "instalments" else 1) for c, v in exact.items()}
    order = sorted(CATEGORIES, key=lambda c: (exact[c] - int(exact[c]), -WEIGHTS[c]))
    while sum(counts.values()) < lines:
        counts[order.pop()] += 1
    while sum(counts.values()) > lines:
        counts[max(CATEGORIES, key=lambda c: counts[c])] -= 1
    return counts


def map_commands() -> list[str]:
    return [
        f"bankrec map add {m['text']} --gl-debit {m['gl_debit']} --gl-credit {m['gl_credit']}"
        for m in MAPPINGS
    ]


def generate(
    out: Path, lines: int = 3000, *, open_entries: int | None = None, seed: int = 1
) -> dict[str, Any]:
    """Write the workload into ``out``; returns the summary stored in answers.json."""
    workload = Workload(lines, open_entries, seed)
    workload.build()
    return workload.write(out)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lines", type=int, default=3000, help="statement lines (default 3000)")
    parser.add_argument(
        "--open-entries", type=int, help="open customer and vendor entries (default 4 per line)"
    )
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--out", type=Path, required=True, help="the folder to write")
    args = parser.parse_args()
    summary = generate(args.out, args.lines, open_entries=args.open_entries, seed=args.seed)
    print(
        f"wrote {summary['lines']} statement lines, {summary['open_entries']} open entries, "
        f"{summary['customers']} customers and {summary['vendors']} vendors to {args.out}"
    )
    if args.open_entries is not None and summary["open_entries"] > args.open_entries:
        print(f"note: the lines alone need {summary['open_entries']} open entries")
    width = max(len(c) for c in CATEGORIES)
    for category, count in summary["categories"].items():
        print(f"  {category:<{width}}  {count:>6}")
    expects = summary["expect"]
    print(
        f"  expect: {expects['apply']} apply, {expects['mapping']} mapping, {expects['none']} none"
    )
    print("load the fee mappings with:")
    for command in map_commands():
        print(f"  {command}")


if __name__ == "__main__":
    main()
