#!/usr/bin/env python3
"""Writes the customer-feedback conformance resources into fhir-profiles/ (issue 6):
extensions feedback-survey and feedback-channel, CodeSystems and ValueSets feedback-item,
feedback-channel, feedback-audience, feedback-child-scale and agreement-5 (the agreement scale of the statements,
written by hand at first and generated here since version 1.1.0). All wording is Vointi's own.

Versions: agreement-5, feedback-child-scale and feedback-item are 1.1.0 (the "can't say" answer of a statement: codes
agreement-5 cant-say and feedback-child-scale dont-know, which have no ordinal value; the child scale's middle, code 3,
was worded "I don't know" in 1.0.0). Everything else is 1.0.0.

Run from the repository root:  python3 questionnaires/tools/generate-feedback-profiles.py
The output is deterministic.
"""
import json
import os

OUT = "fhir-profiles"
BASE = "https://vointi.fi/fhir/"
DATE = "2026-11-25"
CHANGED = "2026-12-01"  # date of the 1.1.0 resources
TRANSLATION = "http://hl7.org/fhir/StructureDefinition/translation"


def translations(sv, en):
    return {"extension": [
        {"url": TRANSLATION, "extension": [{"url": "lang", "valueCode": "sv"}, {"url": "content", "valueString": sv}]},
        {"url": TRANSLATION, "extension": [{"url": "lang", "valueCode": "en"}, {"url": "content", "valueString": en}]},
    ]}


def code_system(cid, name, title, description, concepts, version="1.0.0", date=DATE):
    rows = "".join(f"<tr><td><code>{c}</code></td><td>{fi}</td><td>{sv}</td><td>{en}</td></tr>" for c, fi, sv, en, _ in concepts)
    return {
        "resourceType": "CodeSystem",
        "id": cid,
        "language": "fi",
        "text": {"status": "generated", "div": f"<div xmlns=\"http://www.w3.org/1999/xhtml\" lang=\"fi\" xml:lang=\"fi\"><p><b>{title[0]}</b></p><p>{description[0]}</p><table><tr><th>koodi</th><th>fi</th><th>sv</th><th>en</th></tr>{rows}</table></div>"},
        "url": BASE + "CodeSystem/" + cid,
        "version": version,
        "name": name,
        "title": title[0],
        "_title": translations(title[1], title[2]),
        "status": "active",
        "experimental": False,
        "date": date,
        "publisher": "Vointi",
        "description": description[0],
        "_description": translations(description[1], description[2]),
        "caseSensitive": True,
        "valueSet": BASE + "ValueSet/" + cid,
        "content": "complete",
        "count": len(concepts),
        "concept": [{"code": c, "display": fi, "definition": definition,
                     "designation": [{"language": "sv", "value": sv}, {"language": "en", "value": en}]}
                    for c, fi, sv, en, definition in concepts],
    }


def value_set(cid, name, title):
    return {
        "resourceType": "ValueSet",
        "id": cid,
        "url": BASE + "ValueSet/" + cid,
        "version": "1.0.0",
        "name": name,
        "title": title,
        "status": "active",
        "date": DATE,
        "publisher": "Vointi",
        "description": f"Every code of the CodeSystem {BASE}CodeSystem/{cid}.",
        "compose": {"include": [{"system": BASE + "CodeSystem/" + cid}]},
    }


def code_extension(eid, name, title, context, short, description, value_set_id):
    return {
        "resourceType": "StructureDefinition",
        "id": eid,
        "url": BASE + "StructureDefinition/" + eid,
        "version": "1.0.0",
        "name": name,
        "title": title,
        "status": "active",
        "date": DATE,
        "publisher": "Vointi",
        "description": description,
        "fhirVersion": "4.0.1",
        "kind": "complex-type",
        "abstract": False,
        "context": [{"type": "element", "expression": context}],
        "type": "Extension",
        "baseDefinition": "http://hl7.org/fhir/StructureDefinition/Extension",
        "derivation": "constraint",
        "differential": {"element": [
            {"id": "Extension", "path": "Extension", "short": short, "definition": description, "max": "1"},
            {"id": "Extension.extension", "path": "Extension.extension", "max": "0"},
            {"id": "Extension.url", "path": "Extension.url", "fixedUri": BASE + "StructureDefinition/" + eid},
            {"id": "Extension.value[x]", "path": "Extension.value[x]", "min": 1, "type": [{"code": "code"}],
             "binding": {"strength": "required", "valueSet": BASE + "ValueSet/" + value_set_id}},
        ]},
    }


AUDIENCE = [
    ("adult", "Aikuinen asiakas", "Vuxen kund", "Adult customer", "An adult customer answers about their own care or service."),
    ("child", "Lapsi (7–12 v)", "Barn (7–12 år)", "Child (7–12 years)", "A child aged 7 to 12 answers, in simple words, about their own visit."),
    ("relative", "Omainen tai läheinen", "Anhörig eller närstående", "Relative or someone close",
     "A relative or someone close to the customer answers about the care or service the customer received."),
    ("staff", "Henkilöstö", "Personal", "Staff",
     "Staff of the unit answer about their workplace (eNPS); reported separately from customer feedback."),
]
CHANNEL = [
    ("qr", "QR-koodi", "QR-kod", "QR code", "The public link of a unit, opened from the QR code on a poster."),
    ("sms", "Tekstiviesti tai sähköposti", "Sms eller e-post", "SMS or e-mail",
     "A link sent after a visit by SMS or e-mail, carrying a signed channel token."),
    ("web", "Verkkosivu", "Webbsida", "Web page", "The unit's link placed on a web page or in an app."),
    ("kiosk", "Palautepääte", "Responsterminal", "Feedback kiosk", "A shared device at the unit's premises."),
    ("import", "Tuotu aiempi palaute", "Importerad tidigare respons", "Imported earlier feedback",
     "Feedback collected earlier with another tool and imported with its original date."),
]
ITEM = [
    ("recommendation", "Suosittelukysymys", "Rekommendationsfråga", "Recommendation question",
     "The 0–10 question how likely the person would recommend the unit (for staff: the workplace); exactly one per questionnaire; promoters 9–10, detractors 0–6."),
    ("statement", "Väittämä", "Påstående", "Statement",
     "An agreement statement of the national model, answered 1–5 (1 = strongly disagree, 5 = strongly agree); the value is the answer option's ordinalValue (or numeric code) or an integer. An answer option without a value is the \"can't say\" answer (e.g. agreement-5 cant-say): stored, counted separately, in no mean. Optional one by one. Its identity is the item's linkId."),
    ("own-statement", "Yksikön oma väittämä", "Enhetens eget påstående", "Unit's own statement",
     "A statement a unit adds itself, on the same 1–5 scale, with the same \"can't say\" answer."),
    ("open-text", "Avoin palaute", "Öppen respons", "Open feedback",
     "Free text (maxLength 2000 in the demo surveys); stored, but never shown in reports for a group smaller than the suppression threshold."),
]


def write(resource):
    path = os.path.join(OUT, f"{resource['resourceType']}-{resource['id']}.json")
    with open(path, "w", encoding="utf-8") as f:
        json.dump(resource, f, ensure_ascii=False, indent=2)
        f.write("\n")


write(code_system("feedback-audience", "VointiFeedbackAudience",
                  ("Palautekyselyn kohderyhmä", "Responsenkätens målgrupp", "Feedback survey audience"),
                  ("Kenelle palautekysely on tarkoitettu: aikuiset asiakkaat, lapset (7–12 v), omaiset tai henkilöstö.",
                   "Vem responsenkäten är avsedd för: vuxna kunder, barn (7–12 år), anhöriga eller personal.",
                   "Who a feedback questionnaire is for: adult customers, children (7–12), relatives, or staff."),
                  AUDIENCE))
write(code_system("feedback-channel", "VointiFeedbackChannel",
                  ("Palautekanava", "Responskanal", "Feedback channel"),
                  ("Kanava, jonka kautta palaute annettiin.", "Kanalen genom vilken responsen gavs.",
                   "The channel through which feedback was given."),
                  CHANNEL))
write(code_system("feedback-item", "VointiFeedbackItem",
                  ("Palautekyselyn kysymystyyppi", "Frågetyp i responsenkät", "Feedback item kind"),
                  ("Mikä palautekyselyn kysymys on raportoinnin kannalta: suosittelukysymys, väittämä, yksikön oma väittämä tai avoin palaute.",
                   "Vad en fråga i responsenkäten är för rapporteringen: rekommendationsfråga, påstående, enhetens eget påstående eller öppen respons.",
                   "What a feedback questionnaire item is for reporting: the recommendation question, a statement, a unit's own statement, or open feedback."),
                  ITEM, version="1.1.0", date=CHANGED))
write(code_system("feedback-child-scale", "VointiFeedbackChildScale",
                  ("Lasten vastausasteikko", "Barnens svarsskala", "Children's answer scale"),
                  ("Viisiportainen asteikko lasten palautekyselyihin yksinkertaisin sanoin (1 = ei yhtään totta, 5 = tosi totta); sama suunta kuin agreement-5. Lisäksi vastaus ”en tiedä” (dont-know), jolla ei ole järjestysarvoa.",
                   "En femgradig skala för barnens responsenkäter med enkla ord (1 = inte alls sant, 5 = helt sant); samma riktning som agreement-5. Dessutom svaret ”vet inte” (dont-know), som inte har något ordningsvärde.",
                   "A five-point scale for children's feedback questionnaires in simple words (1 = not true at all, 5 = very true); same direction as agreement-5. Also the answer \"I don't know\" (dont-know), which has no ordinal value."),
                  [("1", "Ei yhtään totta", "Inte alls sant", "Not true at all", "Lowest agreement, like agreement-5 code 1."),
                   ("2", "Vähän totta", "Lite sant", "A little true", "Like agreement-5 code 2."),
                   ("3", "Siltä väliltä", "Mittemellan", "In between",
                    "Middle of the scale, like agreement-5 code 3. (Worded \"I don't know\" in version 1.0.0.)"),
                   ("4", "Aika totta", "Ganska sant", "Quite true", "Like agreement-5 code 4; counts as agreeing."),
                   ("5", "Tosi totta", "Helt sant", "Very true", "Highest agreement, like agreement-5 code 5; counts as agreeing."),
                   ("dont-know", "En tiedä", "Vet inte", "I don't know",
                    "The child does not know or cannot say, like agreement-5 cant-say: not a point of the scale, so its answer option has no ordinalValue; stored, counted separately, in no mean.")],
                  version="1.1.0", date=CHANGED))
write(code_system("agreement-5", "VointiAgreement5",
                  ("Samanmielisyys, 5 luokkaa", "Instämmande, 5 kategorier", "Agreement, 5 categories"),
                  ("Vointin oma viisiportainen samanmielisyyden asteikko (täysin eri mieltä – täysin samaa mieltä). Koodit 1–5 ovat samalla järjestysarvo 1–5; koodilla cant-say (en osaa sanoa) ei ole järjestysarvoa.",
                   "Vointis egen femgradiga skala för instämmande (helt av annan åsikt – helt av samma åsikt). Koderna 1–5 är samtidigt ordningsvärdet 1–5; koden cant-say (kan inte säga) har inget ordningsvärde.",
                   "Vointi's own five-category agreement scale (strongly disagree – strongly agree). The codes 1–5 are also the ordinal values 1–5; the code cant-say has no ordinal value."),
                  [("1", "Täysin eri mieltä", "Helt av annan åsikt", "Strongly disagree", "Lowest agreement; ordinal value 1."),
                   ("2", "Jokseenkin eri mieltä", "Delvis av annan åsikt", "Somewhat disagree", "Ordinal value 2."),
                   ("3", "Ei samaa eikä eri mieltä", "Varken av samma eller annan åsikt", "Neither agree nor disagree",
                    "Middle of the scale; ordinal value 3."),
                   ("4", "Jokseenkin samaa mieltä", "Delvis av samma åsikt", "Somewhat agree", "Ordinal value 4; counts as agreeing."),
                   ("5", "Täysin samaa mieltä", "Helt av samma åsikt", "Strongly agree", "Highest agreement; ordinal value 5; counts as agreeing."),
                   ("cant-say", "En osaa sanoa", "Kan inte säga", "Can't say",
                    "The person cannot say (or the statement does not concern them): not a point of the scale, so its answer option has no ordinalValue; stored, counted separately, in no mean.")],
                  version="1.1.0", date=CHANGED))
for cid, name, title in [("agreement-5", "VointiAgreement5", "Agreement, 5 categories"),
                         ("feedback-audience", "VointiFeedbackAudience", "Feedback survey audience"),
                         ("feedback-channel", "VointiFeedbackChannel", "Feedback channel"),
                         ("feedback-child-scale", "VointiFeedbackChildScale", "Children's answer scale"),
                         ("feedback-item", "VointiFeedbackItem", "Feedback item kind")]:
    write(value_set(cid, name, title))
write(code_extension("feedback-survey", "FeedbackSurvey", "Feedback survey", "Questionnaire",
                     "Customer or staff feedback questionnaire, and for whom",
                     "On a Questionnaire: marks it as a customer feedback (or staff eNPS) questionnaire and names its audience: "
                     "adult, child (7–12), relative or staff. Its items carry item.code from https://vointi.fi/fhir/CodeSystem/feedback-item "
                     "(exactly one recommendation). Feedback questionnaires are also anonymous-answering.",
                     "feedback-audience"))
write(code_extension("feedback-channel", "FeedbackChannel", "Feedback channel", "QuestionnaireResponse",
                     "Channel the feedback came through",
                     "On a feedback QuestionnaireResponse: the channel it came through: qr (poster link), sms (signed link in an SMS or e-mail), "
                     "web, kiosk, or import (earlier feedback imported with its original date). Set by the server, never identifying.",
                     "feedback-channel"))
