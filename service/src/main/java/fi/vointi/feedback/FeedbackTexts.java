package fi.vointi.feedback;

import java.util.Map;

/** The public form's own words in fi, sv and en (the questions come from the questionnaire). */
final class FeedbackTexts {
    private static final Map<String, String[]> TEXTS = Map.ofEntries(
            Map.entry("title", new String[]{"Anna palautetta", "Ge respons", "Give feedback"}),
            Map.entry("anonymous", new String[]{
                    "Vastaat nimettömänä. Emme tallenna nimeäsi, IP-osoitettasi emmekä laitteesi tietoja.",
                    "Du svarar anonymt. Vi sparar inte ditt namn, din IP-adress eller uppgifter om din enhet.",
                    "You answer anonymously. We do not store your name, your IP address or details of your device."}),
            Map.entry("who", new String[]{"Kuka vastaa?", "Vem svarar?", "Who is answering?"}),
            Map.entry("adult", new String[]{"Asiakas (aikuinen)", "Kund (vuxen)", "Customer (adult)"}),
            Map.entry("child", new String[]{"Lapsi (7–12 v)", "Barn (7–12 år)", "Child (7–12 years)"}),
            Map.entry("relative", new String[]{"Omainen tai läheinen", "Anhörig eller närstående", "Relative or someone close"}),
            Map.entry("staff", new String[]{"Henkilöstö", "Personal", "Staff"}),
            Map.entry("continue", new String[]{"Jatka", "Fortsätt", "Continue"}),
            Map.entry("send", new String[]{"Lähetä palaute", "Skicka respons", "Send feedback"}),
            Map.entry("required", new String[]{"pakollinen", "obligatorisk", "required"}),
            Map.entry("thanks", new String[]{"Kiitos palautteestasi!", "Tack för din respons!", "Thank you for your feedback!"}),
            Map.entry("thanksText", new String[]{
                    "Palautteesi on tallennettu. Sitä käytetään palvelujen kehittämiseen.",
                    "Din respons har sparats. Den används för att utveckla tjänsterna.",
                    "Your feedback has been saved. It is used to improve our services."}),
            Map.entry("scaleLow", new String[]{"0 = ei lainkaan todennäköisesti", "0 = inte alls sannolikt", "0 = not at all likely"}),
            Map.entry("scaleHigh", new String[]{"10 = erittäin todennäköisesti", "10 = mycket sannolikt", "10 = extremely likely"}),
            Map.entry("notInUse", new String[]{"Tämä palautelinkki ei ole käytössä.", "Den här responslänken används inte.",
                    "This feedback link is not in use."}),
            Map.entry("problem", new String[]{"Palautetta ei voitu tallentaa", "Responsen kunde inte sparas",
                    "The feedback could not be saved"}),
            Map.entry("back", new String[]{"Takaisin lomakkeelle", "Tillbaka till formuläret", "Back to the form"}),
            Map.entry("tooMany", new String[]{
                    "Tästä osoitteesta on lähetetty juuri nyt liian monta palautetta. Yritä hetken päästä uudelleen.",
                    "För många svar har just skickats från den här adressen. Försök igen om en stund.",
                    "Too many answers have just been sent from this address. Please try again in a moment."}),
            Map.entry("expired", new String[]{"Tämä palautelinkki on vanhentunut.", "Den här responslänken har gått ut.",
                    "This feedback link has expired."}),
            Map.entry("invalid", new String[]{"Tämä palautelinkki ei ole kelvollinen.", "Den här responslänken är inte giltig.",
                    "This feedback link is not valid."}),
            Map.entry("used", new String[]{"Tällä linkillä on jo vastattu. Kiitos!", "Den här länken har redan använts. Tack!",
                    "This link has already been used to answer. Thank you!"}),
            Map.entry("noSurvey", new String[]{"Tälle ryhmälle ei ole kyselyä.", "Det finns ingen enkät för den här gruppen.",
                    "There is no questionnaire for this group."}));

    private FeedbackTexts() {
    }

    static String get(String key, String lang) {
        String[] values = TEXTS.get(key);
        if (values == null) {
            throw new IllegalArgumentException("no text " + key);
        }
        return values[FeedbackLanguage.SUPPORTED.indexOf(lang)];
    }
}
