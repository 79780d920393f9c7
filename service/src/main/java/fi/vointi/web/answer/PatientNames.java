package fi.vointi.web.answer;

import java.util.Map;

/**
 * The name a page shows for a patient ("Answering for Onni"). Vointi keeps no patient register and the identity
 * provider's claims name only the signed-in person's ids, so the documented demo patients have their demo first names
 * and anyone else is shown by their patient id until a county connects its register (docs/web.md).
 */
public final class PatientNames {
    private static final Map<String, String> DEMO = Map.of("demo-aino", "Aino", "demo-eero", "Eero", "demo-onni", "Onni", "demo-venla", "Venla");

    private PatientNames() {
    }

    public static String of(String patientId) {
        return DEMO.getOrDefault(patientId, patientId);
    }
}
