#!/usr/bin/env python3
"""Writes Vointi's demo feedback questionnaires for issue 6 and tags the adult one.

- questionnaires/demo-customer-feedback.json (adult): adds the feedback-survey extension (adult) and the
  feedback-item item codes (1.1.0), makes its statements optional with a "can't say" option and limits its open
  text to 2,000 characters (1.2.0); the archive refuses changed content under an old version.
- questionnaires/demo-child-feedback.json (children 7-12, short simple words),
  questionnaires/demo-relative-feedback.json (relatives), questionnaires/demo-staff-enps.json (staff eNPS).

Every text is Vointi's own wording. These are demo questionnaires, not validated instruments and not THL's
official survey. They follow the structure of the national customer feedback model: one 0-10
recommendation question (required), a few 1-5 agreement statements (each optional, each with an extra
"can't say" option that has no ordinalValue and so counts in no mean), open feedback of at most 2,000 characters.

Versions: the child, relative and staff questionnaires 1.1.0 (1.0.0: every statement required, no "can't say",
and the child scale's middle option was worded "I don't know"); the adult one 1.2.0.

Run from the repository root:  python3 questionnaires/tools/generate-demo-feedback.py   (deterministic)
"""
import copy
import json
from html import escape

DATE = "2026-12-01"  # of the versions written now (statements optional, "can't say", open text 2,000)
OPEN_TEXT_MAX = 2000
BASE = "https://vointi.fi/fhir/"
TRANSLATION = "http://hl7.org/fhir/StructureDefinition/translation"
ORDINAL_VALUE = "http://hl7.org/fhir/StructureDefinition/ordinalValue"
ANONYMOUS = BASE + "StructureDefinition/anonymous-answering"
SURVEY = BASE + "StructureDefinition/feedback-survey"
ITEM_CODES = BASE + "CodeSystem/feedback-item"
PROFILE = BASE + "StructureDefinition/vointi-questionnaire"
DEMO = ("Vointi demo – ei validoitu mittari eikä THL:n virallinen kysely.",
        "Vointi demo – inte ett validerat instrument och inte THL:s officiella enkät.",
        "Vointi demo – not a validated instrument / not THL's official survey.")


def tr(sv, en):
    return {"extension": [
        {"url": TRANSLATION, "extension": [{"url": "lang", "valueCode": "sv"}, {"url": "content", "valueString": sv}]},
        {"url": TRANSLATION, "extension": [{"url": "lang", "valueCode": "en"}, {"url": "content", "valueString": en}]},
    ]}


def code(c):
    return [{"system": ITEM_CODES, "code": c}]


def recommendation(fi, sv, en):
    return {"linkId": "recommendation", "code": code("recommendation"), "text": fi, "_text": tr(sv, en),
            "type": "choice", "required": True, "answerOption": [{"valueInteger": i} for i in range(11)]}


def scale_options(system, labels, cant_say):
    """The scale points 1..5 (ordinalValue = code) and the "can't say" option: no ordinalValue, so no number."""
    options = []
    for i, (fi, sv, en) in enumerate(labels, start=1):
        options.append({"extension": [{"url": ORDINAL_VALUE, "valueDecimal": i}],
                        "valueCoding": {"system": system, "code": str(i), "display": fi, "_display": tr(sv, en)}})
    options.append(cant_say_option(system, cant_say))
    return options


def cant_say_option(system, cant_say):
    c, fi, sv, en = cant_say
    return {"valueCoding": {"system": system, "code": c, "display": fi, "_display": tr(sv, en)}}


AGREEMENT = [("Täysin eri mieltä", "Helt av annan åsikt", "Strongly disagree"),
             ("Jokseenkin eri mieltä", "Delvis av annan åsikt", "Somewhat disagree"),
             ("Ei samaa eikä eri mieltä", "Varken av samma eller annan åsikt", "Neither agree nor disagree"),
             ("Jokseenkin samaa mieltä", "Delvis av samma åsikt", "Somewhat agree"),
             ("Täysin samaa mieltä", "Helt av samma åsikt", "Strongly agree")]
AGREEMENT_SYSTEM = BASE + "CodeSystem/agreement-5"
CANT_SAY = ("cant-say", "En osaa sanoa", "Kan inte säga", "Can't say")


def statements(intro, items, options):
    group = {"linkId": "statements", "text": intro[0], "_text": tr(intro[1], intro[2]), "type": "group", "item": []}
    for link_id, fi, sv, en in items:
        group["item"].append({"linkId": link_id, "code": code("statement"), "text": fi, "_text": tr(sv, en),
                              "type": "choice", "required": False, "answerOption": copy.deepcopy(options)})
    return group


def open_text(fi, sv, en):
    return {"linkId": "open", "code": code("open-text"), "text": fi, "_text": tr(sv, en), "type": "text",
            "required": False, "maxLength": OPEN_TEXT_MAX}


def questionnaire(qid, name, audience, title, description, items, version="1.1.0"):
    full = [f"{DEMO[i]} {description[i]}" for i in range(3)]
    lis = "".join(f"<li><code>{escape(i['linkId'])}</code>: {escape(i['text'])}</li>" for i in flatten(items))
    return {
        "resourceType": "Questionnaire",
        "id": qid,
        "meta": {"profile": [PROFILE]},
        "language": "fi",
        "text": {"status": "generated", "div": f"<div xmlns=\"http://www.w3.org/1999/xhtml\" lang=\"fi\" xml:lang=\"fi\"><p><b>{escape(title[0])}</b></p><p>{escape(full[0])}</p><ul>{lis}</ul></div>"},
        "extension": [{"url": ANONYMOUS, "valueBoolean": True}, {"url": SURVEY, "valueCode": audience}],
        "url": BASE + "Questionnaire/" + qid,
        "version": version,
        "name": name,
        "title": title[0],
        "_title": tr(title[1], title[2]),
        "status": "active",
        "experimental": True,
        "date": DATE,
        "publisher": "Vointi",
        "description": full[0],
        "_description": tr(full[1], full[2]),
        "item": items,
    }


def flatten(items):
    for item in items:
        yield item
        yield from flatten(item.get("item", []))


def write(path, resource):
    with open(path, "w", encoding="utf-8") as f:
        json.dump(resource, f, ensure_ascii=False, indent=2)
        f.write("\n")


# --- adult: the existing demo, tagged (1.1.0), statements optional with "can't say" (1.2.0) ---------------
ADULT = "questionnaires/demo-customer-feedback.json"
with open(ADULT, encoding="utf-8") as f:
    adult = json.load(f)
if not any(e["url"] == SURVEY for e in adult["extension"]):
    adult["extension"].append({"url": SURVEY, "valueCode": "adult"})
adult["version"] = "1.2.0"
adult["date"] = DATE


def tag(item, c):
    tagged = {}
    for key, value in item.items():
        tagged[key] = value
        if key == "linkId":
            tagged["code"] = code(c)
    return tagged


def replace_once(text, old, new):
    """Idempotent: the generator reads its own output again."""
    return text if new in text else text.replace(old, new)


new_items = []
for item in adult["item"]:
    if item["linkId"] == "recommendation":
        new_items.append(tag(item, "recommendation") if "code" not in item else item)
    elif item["linkId"] == "statements":
        item["item"] = [tag(s, "statement") if "code" not in s else s for s in item["item"]]
        for statement in item["item"]:
            statement["required"] = False
            if not any(o["valueCoding"]["code"] == CANT_SAY[0] for o in statement["answerOption"]):
                statement["answerOption"].append(cant_say_option(AGREEMENT_SYSTEM, CANT_SAY))
        new_items.append(item)
    elif item["linkId"] == "open":
        open_item = tag(item, "open-text") if "code" not in item else item
        open_item["maxLength"] = OPEN_TEXT_MAX
        new_items.append(open_item)
    else:
        new_items.append(item)
adult["item"] = new_items
div = adult["text"]["div"]
for link_id in ("statement.access", "statement.heard", "statement.safety", "statement.information", "statement.usefulness"):
    start = div.index(f"<code>{link_id}</code>")
    end = div.index("</li>", start)
    div = div[:start] + div[start:end].replace("(valinta, pakollinen)", "(valinta, vapaaehtoinen; myös en osaa sanoa)") + div[end:]
div = replace_once(div, "(vapaa teksti)", "(vapaa teksti, enintään 2000 merkkiä)")
div = replace_once(div, "viisi väittämää asteikolla 1–5 (täysin eri mieltä – täysin samaa mieltä)",
                   "viisi vapaaehtoista väittämää asteikolla 1–5 (täysin eri mieltä – täysin samaa mieltä; myös en osaa sanoa)")
adult["text"]["div"] = div
adult["description"] = replace_once(
    adult["description"], "viisi väittämää asteikolla 1–5 (täysin eri mieltä – täysin samaa mieltä)",
    "viisi vapaaehtoista väittämää asteikolla 1–5 (täysin eri mieltä – täysin samaa mieltä; myös en osaa sanoa)")
for translation in adult["_description"]["extension"]:
    content = next(e for e in translation["extension"] if e["url"] == "content")
    content["valueString"] = replace_once(
        replace_once(content["valueString"], "fem påståenden på skalan 1–5 (helt av annan åsikt – helt av samma åsikt)",
                     "fem frivilliga påståenden på skalan 1–5 (helt av annan åsikt – helt av samma åsikt; även kan inte säga)"),
        "five statements on a 1–5 scale (strongly disagree – strongly agree)",
        "five optional statements on a 1–5 scale (strongly disagree – strongly agree; also can't say)")
write(ADULT, adult)

agreement = scale_options(AGREEMENT_SYSTEM, AGREEMENT, CANT_SAY)

# --- children 7-12 ---------------------------------------------------------------------------------
# the middle is a point of the scale; "I don't know" is the separate option without a number (in 1.0.0 the
# middle option was worded "I don't know" and so counted as 3)
CHILD_SCALE = [("Ei yhtään totta", "Inte alls sant", "Not true at all"),
               ("Vähän totta", "Lite sant", "A little true"),
               ("Siltä väliltä", "Mittemellan", "In between"),
               ("Aika totta", "Ganska sant", "Quite true"),
               ("Tosi totta", "Helt sant", "Very true")]
CHILD_DONT_KNOW = ("dont-know", "En tiedä", "Vet inte", "I don't know")
child = questionnaire(
    "demo-child-feedback", "VointiDemoChildFeedback", "child",
    ("Lasten palaute (Vointi demo)", "Barnens respons (Vointi demo)", "Children's feedback (Vointi demo)"),
    ("Lyhyt palautekysely 7–12-vuotiaille lapsille omasta käynnistä, yksinkertaisin sanoin.",
     "En kort responsenkät för barn 7–12 år om det egna besöket, med enkla ord.",
     "A short feedback questionnaire for children aged 7 to 12 about their own visit, in simple words."),
    [recommendation("Jos kaverisi tarvitsisi apua, kuinka hyvä paikka tämä olisi hänelle? 0 = ei yhtään hyvä, 10 = tosi hyvä.",
                    "Om din kompis behövde hjälp, hur bra ställe skulle det här vara för hen? 0 = inte alls bra, 10 = jättebra.",
                    "If your friend needed help, how good a place would this be for them? 0 = not good at all, 10 = really good."),
     statements(("Mitä mieltä olet? Valitse, kuinka totta nämä ovat.",
                 "Vad tycker du? Välj hur sant det här är.",
                 "What do you think? Choose how true these are."),
                [("statement.listened", "Minua kuunneltiin.", "Man lyssnade på mig.", "They listened to me."),
                 ("statement.kind", "Aikuiset olivat minulle ystävällisiä.", "De vuxna var snälla mot mig.",
                  "The grown-ups were kind to me."),
                 ("statement.understood", "Ymmärsin, mitä minulle kerrottiin.", "Jag förstod vad man berättade för mig.",
                  "I understood what they told me.")],
                scale_options(BASE + "CodeSystem/feedback-child-scale", CHILD_SCALE, CHILD_DONT_KNOW)),
     open_text("Haluatko kertoa vielä jotain? Älä kirjoita nimeäsi.",
               "Vill du berätta något mer? Skriv inte ditt namn.",
               "Is there anything else you want to tell us? Please don't write your name.")])
write("questionnaires/demo-child-feedback.json", child)

# --- relatives ---------------------------------------------------------------------------------------
relative = questionnaire(
    "demo-relative-feedback", "VointiDemoRelativeFeedback", "relative",
    ("Omaisten palaute (Vointi demo)", "Anhörigas respons (Vointi demo)", "Relatives' feedback (Vointi demo)"),
    ("Palautekysely omaisille ja läheisille siitä, miten läheinen sai hoitoa tai palvelua ja miten omaista kohdeltiin.",
     "En responsenkät för anhöriga och närstående om hur den närstående fick vård eller service och hur den anhöriga bemöttes.",
     "A feedback questionnaire for relatives and people close to a customer about the care or service their close one received and how they themselves were treated."),
    [recommendation("Jos joku tarvitsisi samankaltaista hoitoa tai palvelua, kuinka todennäköisesti suosittelisit hänelle tätä palveluyksikköä läheisesi kokemusten perusteella? 0 = en lainkaan todennäköisesti, 10 = erittäin todennäköisesti.",
                    "Om någon behövde liknande vård eller service, hur sannolikt är det att du skulle rekommendera den här serviceenheten utifrån din närståendes erfarenheter? 0 = inte alls sannolikt, 10 = mycket sannolikt.",
                    "If someone needed similar care or services, how likely is it that you would recommend this service unit to them, based on what the person close to you experienced? 0 = not at all likely, 10 = extremely likely."),
     statements(("Kuinka samaa tai eri mieltä olet seuraavista väittämistä?",
                 "Hur mycket håller du med om följande påståenden?",
                 "How much do you agree or disagree with the following statements?"),
                [("statement.care", "Läheiseni sai hyvää ja turvallista hoitoa tai palvelua.",
                  "Min närstående fick god och trygg vård eller service.",
                  "The person close to me received good and safe care or services."),
                 ("statement.respect", "Minua kohdeltiin ystävällisesti ja kunnioittavasti.",
                  "Jag bemöttes vänligt och med respekt.", "I was treated kindly and with respect."),
                 ("statement.information", "Sain tarvitsemani tiedot läheiseni hoidosta tai palvelusta.",
                  "Jag fick den information jag behövde om min närståendes vård eller service.",
                  "I got the information I needed about the care or services of the person close to me."),
                 ("statement.involved", "Näkemystäni kuunneltiin, kun asioista päätettiin.",
                  "Min syn lyssnades på när man beslutade om saker.",
                  "My view was listened to when decisions were made.")],
                agreement),
     open_text("Mitä haluaisit kertoa meille? Älä kirjoita vastaukseen nimiä tai muita tunnistetietoja.",
               "Vad vill du berätta för oss? Skriv inte namn eller andra personuppgifter i svaret.",
               "What would you like to tell us? Please do not write names or other identifying details in your answer.")])
write("questionnaires/demo-relative-feedback.json", relative)

# --- staff eNPS ---------------------------------------------------------------------------------------
staff = questionnaire(
    "demo-staff-enps", "VointiDemoStaffEnps", "staff",
    ("Henkilöstön suosittelukysely (Vointi demo)", "Personalens rekommendationsenkät (Vointi demo)",
     "Staff recommendation survey (Vointi demo)"),
    ("Henkilöstön anonyymi kysely (eNPS): suosittelisitko työpaikkaasi, ja muutama väittämä työn arjesta. Raportoidaan erikseen asiakaspalautteesta.",
     "En anonym personalenkät (eNPS): skulle du rekommendera din arbetsplats, och några påståenden om vardagen i arbetet. Rapporteras skilt från kundresponsen.",
     "An anonymous staff survey (eNPS): would you recommend your workplace, and a few statements about everyday work. Reported separately from customer feedback."),
    [recommendation("Kuinka todennäköisesti suosittelisit tätä työpaikkaa ystävällesi tai tuttavallesi? 0 = en lainkaan todennäköisesti, 10 = erittäin todennäköisesti.",
                    "Hur sannolikt är det att du skulle rekommendera den här arbetsplatsen till en vän eller bekant? 0 = inte alls sannolikt, 10 = mycket sannolikt.",
                    "How likely is it that you would recommend this workplace to a friend or acquaintance? 0 = not at all likely, 10 = extremely likely."),
     statements(("Kuinka samaa tai eri mieltä olet seuraavista väittämistä?",
                 "Hur mycket håller du med om följande påståenden?",
                 "How much do you agree or disagree with the following statements?"),
                [("statement.workload", "Työmääräni on kohtuullinen.", "Min arbetsmängd är rimlig.",
                  "My workload is reasonable."),
                 ("statement.team", "Työyhteisössämme autetaan toisia.", "I vår arbetsgemenskap hjälper man varandra.",
                  "In our team, people help each other."),
                 ("statement.influence", "Voin vaikuttaa siihen, miten teen työni.", "Jag kan påverka hur jag gör mitt arbete.",
                  "I can influence how I do my work.")],
                agreement),
     open_text("Mitä haluaisit kertoa työpaikastasi? Älä kirjoita nimiä.",
               "Vad vill du berätta om din arbetsplats? Skriv inte namn.",
               "What would you like to tell us about your workplace? Please do not write names.")])
write("questionnaires/demo-staff-enps.json", staff)
