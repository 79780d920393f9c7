#!/usr/bin/env python3
"""Generates the Vointi demo item bank questionnaires/demo-everyday-energy-bank.json and its fixed
8-item short form questionnaires/demo-everyday-energy-sf8.json.

An ORIGINAL demo construct ("everyday energy": how much energy the person has had for everyday life
in the past 7 days), written by Vointi. It is not a validated instrument, and its item parameters are
invented: drawn reproducibly from a seeded generator within plausible ranges for the graded response
model (slopes 1.2-3.2, four increasing thresholds roughly between -2.5 and +2.0). Theta runs in the
direction "more energy = higher theta": for negatively worded items the answer options are listed
from "always" to "never", so that category 0 (ordinalValue 0) is always the lowest energy.

Run from the repository root:  python3 questionnaires/tools/generate-demo-energy-bank.py
The output is deterministic; rerunning it without edits reproduces the file byte for byte.
"""
import json
import os
import random
from html import escape

SEED = 20261125
ID = "demo-everyday-energy-bank"
URL = "https://vointi.fi/fhir/Questionnaire/" + ID
VERSION = "1.0.0"
# 1.1.0: the bank's design became CHOIR's PROMIS CAT (issue 14); items and parameters are those of 1.0.0, and the
# short form (still 1.0.0, derived from bank 1.0.0) is unchanged.
BANK_VERSION = "1.1.0"
DATE = "2026-11-25"
CODE_SYSTEM = "https://vointi.fi/fhir/CodeSystem/energy-frequency-5"
SD = "https://vointi.fi/fhir/StructureDefinition/"
TRANSLATION = "http://hl7.org/fhir/StructureDefinition/translation"
ORDINAL_VALUE = "http://hl7.org/fhir/StructureDefinition/ordinalValue"
SDC_ADAPTIVE = "http://hl7.org/fhir/uv/sdc/StructureDefinition/sdc-questionnaire-questionnaireAdaptive"

# (code, fi, sv, en), least to most frequent
FREQUENCY = [
    ("never", "Ei koskaan", "Aldrig", "Never"),
    ("rarely", "Harvoin", "Sällan", "Rarely"),
    ("sometimes", "Joskus", "Ibland", "Sometimes"),
    ("often", "Usein", "Ofta", "Often"),
    ("always", "Aina", "Alltid", "Always"),
]

# (direction, fi, sv, en): + = positively worded (more often = more energy), - = negatively worded.
ITEMS = [
    ("+", "Heräsin aamulla levänneenä.",
     "Jag vaknade utvilad på morgonen.",
     "I woke up in the morning feeling rested."),
    ("-", "Sängystä nouseminen aamulla tuntui raskaalta.",
     "Det kändes tungt att stiga upp ur sängen på morgonen.",
     "Getting out of bed in the morning felt heavy."),
    ("+", "Jaksoin tehdä suunnittelemani kotityöt.",
     "Jag orkade göra de hushållssysslor jag hade planerat.",
     "I had the energy to do the household chores I had planned."),
    ("-", "Tiskit tai pyykit jäivät tekemättä, koska en jaksanut.",
     "Disken eller tvätten blev ogjord eftersom jag inte orkade.",
     "The dishes or the laundry were left undone because I did not have the energy."),
    ("+", "Minulla oli voimia jäljellä työ-, koulu- tai arkipäivän jälkeen.",
     "Jag hade krafter kvar efter arbets-, skol- eller vardagsdagen.",
     "I had strength left after my working, school or ordinary day."),
    ("-", "Iltapäivään mennessä voimani olivat lopussa.",
     "Framåt eftermiddagen var mina krafter slut.",
     "By the afternoon my strength had run out."),
    ("+", "Lähdin kävelylle tai liikkumaan, koska minua huvitti.",
     "Jag gick ut på promenad eller motionerade för att jag kände för det.",
     "I went out for a walk or some exercise because I felt like it."),
    ("-", "Lyhytkin kävely väsytti minua.",
     "Även en kort promenad gjorde mig trött.",
     "Even a short walk wore me out."),
    ("+", "Jaksoin tavata ystäviä tai läheisiä.",
     "Jag orkade träffa vänner eller anhöriga.",
     "I had the energy to see friends or people close to me."),
    ("-", "Peruin menojani, koska voimat eivät riittäneet.",
     "Jag ställde in planer eftersom krafterna inte räckte till.",
     "I called off plans because my strength was not enough."),
    ("+", "Tunsin oloni pirteäksi päivän aikana.",
     "Jag kände mig pigg under dagen.",
     "I felt lively during the day."),
    ("-", "Jouduin lepäämään kesken tavallisten askareiden.",
     "Jag var tvungen att vila mitt i vardagliga sysslor.",
     "I had to rest in the middle of ordinary chores."),
    ("+", "Tartuin toimeen heti, kun jotain piti tehdä.",
     "Jag satte igång direkt när något behövde göras.",
     "I got going straight away when something needed doing."),
    ("-", "Siirsin pieniä asioita seuraavaan päivään, koska olin voimaton.",
     "Jag sköt upp små ärenden till nästa dag eftersom jag var kraftlös.",
     "I put small errands off to the next day because I felt drained."),
    ("+", "Jaksoin harrastaa minulle mieluisia asioita.",
     "Jag orkade ägna mig åt mina fritidsintressen.",
     "I had the energy for the pastimes I enjoy."),
    ("-", "Illalla olin niin uupunut, että jaksoin vain maata.",
     "På kvällen var jag så utmattad att jag bara orkade ligga ner.",
     "In the evening I was so spent that all I could do was lie down."),
    ("+", "Portaiden nouseminen sujui vaivattomasti.",
     "Det gick lätt att gå uppför trappor.",
     "Climbing stairs went easily."),
    ("-", "Kauppakassien kantaminen kotiin tuntui ylivoimaiselta.",
     "Det kändes övermäktigt att bära hem matkassarna.",
     "Carrying the shopping bags home felt like too much."),
    ("+", "Jaksoin valmistaa itselleni kunnollisen aterian.",
     "Jag orkade laga en ordentlig måltid åt mig själv.",
     "I had the energy to cook myself a proper meal."),
    ("-", "Söin pelkkiä välipaloja, koska ruoanlaitto tuntui liian raskaalta.",
     "Jag åt bara mellanmål eftersom det kändes för tungt att laga mat.",
     "I made do with snacks because cooking felt too heavy."),
    ("+", "Jaksoin keskittyä lukemiseen tai ohjelman katsomiseen loppuun asti.",
     "Jag orkade koncentrera mig på att läsa eller se ett program till slutet.",
     "I could keep my mind on reading or on a programme until the end."),
    ("-", "Ajatukseni kulkivat hitaasti, koska olin nuutunut.",
     "Mina tankar gick långsamt eftersom jag var utsliten.",
     "My thoughts moved slowly because I felt worn out."),
    ("+", "Tunsin, että jaksaisin tarttua johonkin uuteen.",
     "Jag kände att jag skulle orka ta itu med något nytt.",
     "I felt I could take on something new."),
    ("-", "Puhelimessa puhuminen tai jutteleminen kävi voimille.",
     "Att prata i telefon eller småprata tog på krafterna.",
     "Talking on the phone or chatting sapped my strength."),
    ("+", "Jaksoin huolehtia ulkonäöstäni ja hygieniastani tavalliseen tapaan.",
     "Jag orkade sköta mitt utseende och min hygien som vanligt.",
     "I had the energy to look after my appearance and hygiene as usual."),
    ("-", "Suihkussa käyminen tai pukeutuminen vaati paljon ponnistelua.",
     "Att duscha eller klä på mig krävde mycket ansträngning.",
     "Showering or getting dressed took a lot of effort."),
    ("+", "Jaksoin auttaa muita, esimerkiksi perheenjäseniä tai naapureita.",
     "Jag orkade hjälpa andra, till exempel familjemedlemmar eller grannar.",
     "I had the energy to help others, such as family members or neighbours."),
    ("-", "Tunsin akkujeni olevan tyhjät levonkin jälkeen.",
     "Jag kände mig urladdad även efter vila.",
     "My batteries felt flat even after resting."),
    ("+", "Nautin siitä, että sain puuhata ja touhuta.",
     "Jag njöt av att få pyssla och vara i farten.",
     "I enjoyed being busy and on the go."),
    ("-", "Jouduin tarkkaan valitsemaan, mihin voimani käytän.",
     "Jag var tvungen att noga välja vad jag lade mina krafter på.",
     "I had to choose carefully what to spend my strength on."),
    ("+", "Sain päivän tehtävät tehtyä tavalliseen tahtiini.",
     "Jag klarade av dagens uppgifter i min vanliga takt.",
     "I got the day's tasks done at my usual pace."),
    ("-", "Torkahdin päivällä, vaikka en olisi halunnut.",
     "Jag slumrade till under dagen fast jag inte ville.",
     "I nodded off during the day although I did not want to."),
    ("+", "Jaksoin käydä kaupassa tai hoitaa asioita kodin ulkopuolella.",
     "Jag orkade handla eller uträtta ärenden utanför hemmet.",
     "I had the energy to go shopping or run errands outside the home."),
    ("-", "Oloni oli raskas ja veltto.",
     "Jag kände mig tung och slö.",
     "My body felt heavy and sluggish."),
    ("+", "Jaksoin leikkiä tai puuhailla lasten tai lemmikkien kanssa.",
     "Jag orkade leka eller hitta på saker med barn eller husdjur.",
     "I had the energy to play or do things with children or pets."),
    ("-", "Kotoa lähteminen tuntui liian vaivalloiselta.",
     "Det kändes för besvärligt att ge mig iväg hemifrån.",
     "Leaving the house felt like too much trouble."),
]

TITLE = ("Arjen energia – adaptiivinen kysely (Vointi demo)",
         "Vardagsenergi – adaptiv enkät (Vointi demo)",
         "Everyday energy – adaptive questionnaire (Vointi demo)")
DESCRIPTION = (
    "Vointi demo – ei validoitu mittari; kysymysten parametrit on keksitty esittelyä varten. Vointin itse "
    "laatima adaptiivinen (CAT) kysymyspankki siitä, kuinka paljon energiaa vastaajalla on ollut arjen "
    "toimiin viimeisten 7 päivän aikana. Kysymykset valitaan yksi kerrallaan aiempien vastausten perusteella "
    "(4–12 kysymystä). Tulos ilmoitetaan T-lukuna (50 + 10 θ): suurempi luku tarkoittaa enemmän energiaa. "
    "Kielteisesti muotoillut kysymykset pisteytetään käänteisesti. Vain palvelun esittelyyn ja testaukseen, "
    "ei kliiniseen käyttöön.",
    "Vointi demo – inte ett validerat instrument; frågornas parametrar är påhittade för demonstration. En "
    "adaptiv (CAT) frågebank som Vointi själv har utarbetat om hur mycket energi personen har haft för "
    "vardagens sysslor under de senaste 7 dagarna. Frågorna väljs en i taget utifrån de tidigare svaren "
    "(4–12 frågor). Resultatet anges som T-poäng (50 + 10 θ): ett högre värde betyder mer energi. Negativt "
    "formulerade frågor poängsätts omvänt. Endast för demonstration och testning av tjänsten, inte för "
    "kliniskt bruk.",
    "Vointi demo — not a validated instrument; item parameters are invented for demonstration. An adaptive "
    "(CAT) item bank written by Vointi itself on how much energy the person has had for everyday life in "
    "the past 7 days. Items are chosen one at a time from the answers so far (4–12 items). The result is a "
    "T-score (50 + 10 θ): a higher score means more energy. Negatively worded items are reverse-scored. "
    "For demonstrating and testing the service only, not for clinical use.",
)


def translations(sv, en):
    return {"extension": [
        {"url": TRANSLATION, "extension": [{"url": "lang", "valueCode": "sv"}, {"url": "content", "valueString": sv}]},
        {"url": TRANSLATION, "extension": [{"url": "lang", "valueCode": "en"}, {"url": "content", "valueString": en}]},
    ]}


def parameters(rng, count):
    """GRM slope and four strictly increasing thresholds per item, all distinct, within plausible ranges."""
    seen = set()
    result = []
    while len(result) < count:
        slope = round(rng.uniform(1.2, 3.2), 2)
        centre = rng.uniform(-0.9, 0.4)
        b = [centre - rng.uniform(1.1, 1.8), centre - rng.uniform(0.35, 0.75),
             centre + rng.uniform(0.05, 0.45), centre + rng.uniform(0.9, 1.6)]
        b = [round(min(2.0, max(-2.5, x)), 2) for x in b]
        key = (slope, tuple(b))
        if any(b[k] >= b[k + 1] for k in range(3)) or key in seen:
            continue
        seen.add(key)
        result.append((slope, b))
    return result


def option(code, fi, sv, en, ordinal):
    return {
        "extension": [{"url": ORDINAL_VALUE, "valueDecimal": ordinal}],
        "valueCoding": {"system": CODE_SYSTEM, "code": code, "display": fi, "_display": translations(sv, en)},
    }


def cat_design():
    values = [("minItems", "valueInteger", 4), ("maxItems", "valueInteger", 12),
              ("standardErrorStop", "valueDecimal", 0.3), ("selection", "valueCode", "max-info"),
              ("estimator", "valueCode", "eap"), ("priorMean", "valueDecimal", 0), ("priorSd", "valueDecimal", 1),
              ("quadratureMin", "valueDecimal", -4), ("quadratureMax", "valueDecimal", 4),
              ("quadraturePoints", "valueInteger", 81), ("scoreMean", "valueDecimal", 50),
              ("scoreSd", "valueDecimal", 10), ("randomesque", "valueInteger", 1), ("startTheta", "valueDecimal", 0)]
    return {"url": SD + "cat-design", "extension": [{"url": u, t: v} for u, t, v in values]}


def promis_cat_design():
    """CHOIR's / Assessment Center's PROMIS CAT: 4..12 items, stop at SE <= 3.0 T, posterior-weighted information from
    the first item on, EAP under N(0, 1) on -4..4 (81 points), T to 1 decimal (docs/adaptive.md)."""
    values = [("minItems", "valueInteger", 4), ("maxItems", "valueInteger", 12),
              ("selection", "valueCode", "max-posterior-info"),
              ("estimator", "valueCode", "eap"), ("priorMean", "valueDecimal", 0), ("priorSd", "valueDecimal", 1),
              ("quadratureMin", "valueDecimal", -4), ("quadratureMax", "valueDecimal", 4),
              ("quadraturePoints", "valueInteger", 81), ("scoreMean", "valueDecimal", 50),
              ("scoreSd", "valueDecimal", 10), ("randomesque", "valueInteger", 1),
              ("scoreStandardErrorStop", "valueDecimal", 3), ("scoreDecimals", "valueInteger", 1)]
    return {"url": SD + "cat-design", "extension": [{"url": u, t: v} for u, t, v in values]}


def main():
    rng = random.Random(SEED)
    params = parameters(rng, len(ITEMS))
    items = []
    rows = []
    for number, ((direction, fi, sv, en), (slope, thresholds)) in enumerate(zip(ITEMS, params), start=1):
        link_id = "energy.%d" % number
        ordered = FREQUENCY if direction == "+" else list(reversed(FREQUENCY))
        items.append({
            "extension": [{"url": SD + "irt-item", "extension":
                           [{"url": "model", "valueCode": "grm"}, {"url": "slope", "valueDecimal": slope}]
                           + [{"url": "threshold", "valueDecimal": b} for b in thresholds]}],
            "linkId": link_id,
            "text": fi,
            "_text": translations(sv, en),
            "type": "choice",
            "required": False,
            "answerOption": [option(c, f, s, e, k) for k, (c, f, s, e) in enumerate(ordered)],
        })
        rows.append("<tr><td><code>%s</code></td><td>%s</td><td>%s</td><td>%.2f</td><td>%s</td></tr>" % (
            link_id, escape(fi), "myönteinen" if direction == "+" else "kielteinen (käänteinen)", slope,
            " &lt; ".join("%.2f" % b for b in thresholds)))
    div = ('<div xmlns="http://www.w3.org/1999/xhtml" lang="fi" xml:lang="fi"><p><b>%s</b></p><p>%s</p>'
           '<p>Vastausvaihtoehdot: ei koskaan, harvoin, joskus, usein, aina. Graded response -malli; '
           'luokka 0 = vähiten energiaa.</p><table><tr><th>linkId</th><th>kysymys</th><th>suunta</th>'
           '<th>a</th><th>b1 &lt; b2 &lt; b3 &lt; b4</th></tr>%s</table></div>') % (
        escape(TITLE[0]), escape(DESCRIPTION[0]), "".join(rows))
    questionnaire = {
        "resourceType": "Questionnaire",
        "id": ID,
        # Not also meta.profile SDC_ADAPT: the HAPI validator has no copy of the SDC guide and reports an
        # unknown profile claim as an error, which would stop start-up. The standard SDC extension
        # questionnaireAdaptive marks the questionnaire as adaptive instead (see docs/adaptive.md).
        "meta": {"profile": [SD + "vointi-questionnaire"]},
        "language": "fi",
        "text": {"status": "generated", "div": div},
        "extension": [{"url": SDC_ADAPTIVE, "valueBoolean": True}, promis_cat_design()],
        "url": URL,
        "version": BANK_VERSION,
        "name": "VointiDemoEverydayEnergyBank",
        "title": TITLE[0],
        "_title": translations(TITLE[1], TITLE[2]),
        "status": "active",
        "experimental": True,
        "date": DATE,
        "publisher": "Vointi",
        "description": DESCRIPTION[0],
        "_description": translations(DESCRIPTION[1], DESCRIPTION[2]),
        "item": items,
    }
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    with open(os.path.join(root, ID + ".json"), "w", encoding="utf-8") as out:
        out.write(json.dumps(questionnaire, indent=2, ensure_ascii=False) + "\n")
    short_form = short_form_of(items, params)
    with open(os.path.join(root, SF_ID + ".json"), "w", encoding="utf-8") as out:
        out.write(json.dumps(short_form, indent=2, ensure_ascii=False) + "\n")


SF_ID = "demo-everyday-energy-sf8"
SF_TITLE = ("Arjen energia – lyhytlomake, 8 kysymystä (Vointi demo)",
            "Vardagsenergi – kortformulär, 8 frågor (Vointi demo)",
            "Everyday energy – short form, 8 items (Vointi demo)")
SF_DESCRIPTION = (
    "Vointi demo – ei validoitu mittari. Kiinteä 8 kysymyksen lyhytlomake Vointin demokysymyspankista "
    "(arjen energia, viimeiset 7 päivää): pankin 8 erottelukykyisintä kysymystä. Pisteytys IRT-summapistemäärällä "
    "(Lord–Wingersky): vastattujen kysymysten summapistemäärä muunnetaan T-luvuksi ja sen keskivirheeksi "
    "pankin parametreilla; vähintään 4 vastausta tarvitaan. Vain esittelyyn ja testaukseen.",
    "Vointi demo – inte ett validerat instrument. Ett fast kortformulär med 8 frågor ur Vointis demobank "
    "(vardagsenergi, de senaste 7 dagarna): bankens 8 mest diskriminerande frågor. Poängsätts med IRT-summapoäng "
    "(Lord–Wingersky); minst 4 svar behövs. Endast för demonstration och testning.",
    "Vointi demo — not a validated instrument. A fixed 8-item short form of Vointi's demo item bank (everyday "
    "energy, past 7 days): the bank's 8 most discriminating items. Scored by IRT summed score (Lord–Wingersky): "
    "the answered items' summed score becomes a T-score and its standard error from the bank's parameters; at "
    "least 4 answers are needed. For demonstration and testing only.",
)


def short_form_of(bank_items, params):
    """The 8 items with the steepest slopes, in bank order; a calibrated fixed form (cat-design without the
    SDC questionnaireAdaptive flag), scored with an irt-sum rule."""
    chosen = sorted(sorted(range(len(bank_items)), key=lambda i: -params[i][0])[:8])
    items = []
    for i in chosen:
        item = json.loads(json.dumps(bank_items[i]))
        item["required"] = False
        items.append(item)
    rule = {"url": SD + "scoring-rule", "extension":
            [{"url": "code", "valueCode": "short-form"},
             {"url": "display", "valueString": "Arjen energia, T-luku (lyhytlomake)"},
             {"url": "method", "valueCode": "irt-sum"}]
            + [{"url": "item", "valueString": item["linkId"]} for item in items]
            + [{"url": "minAnswered", "valueInteger": 4}, {"url": "unit", "valueString": "{T-score}"}]}
    rows = "".join("<li><code>%s</code>: %s</li>" % (item["linkId"], escape(item["text"])) for item in items)
    div = ('<div xmlns="http://www.w3.org/1999/xhtml" lang="fi" xml:lang="fi"><p><b>%s</b></p><p>%s</p><ul>%s</ul></div>'
           % (escape(SF_TITLE[0]), escape(SF_DESCRIPTION[0]), rows))
    return {
        "resourceType": "Questionnaire",
        "id": SF_ID,
        "meta": {"profile": [SD + "vointi-questionnaire"]},
        "language": "fi",
        "text": {"status": "generated", "div": div},
        "extension": [cat_design(), rule],
        "url": "https://vointi.fi/fhir/Questionnaire/" + SF_ID,
        "version": VERSION,
        "name": "VointiDemoEverydayEnergySF8",
        "title": SF_TITLE[0],
        "_title": translations(SF_TITLE[1], SF_TITLE[2]),
        "status": "active",
        "experimental": True,
        "date": DATE,
        "publisher": "Vointi",
        "description": SF_DESCRIPTION[0],
        "_description": translations(SF_DESCRIPTION[1], SF_DESCRIPTION[2]),
        "derivedFrom": [URL + "|" + VERSION],
        "item": items,
    }


if __name__ == "__main__":
    main()
