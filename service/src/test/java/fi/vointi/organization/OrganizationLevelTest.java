package fi.vointi.organization;

import org.hl7.fhir.r4.model.StringType;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The pure parts: level order and the name search column and patterns. */
class OrganizationLevelTest {
    @Test
    void eachLevelHangsUnderTheOneAbove() {
        assertEquals(Optional.empty(), OrganizationLevel.COUNTY.parentLevel());
        assertEquals(Optional.of(OrganizationLevel.COUNTY), OrganizationLevel.AREA.parentLevel());
        assertEquals(Optional.of(OrganizationLevel.AREA), OrganizationLevel.SERVICE.parentLevel());
        assertEquals(Optional.of(OrganizationLevel.SERVICE), OrganizationLevel.UNIT.parentLevel());
        assertEquals(Optional.of(OrganizationLevel.UNIT), OrganizationLevel.SERVICE.childLevel());
        assertEquals(Optional.empty(), OrganizationLevel.UNIT.childLevel());
        assertEquals(Optional.of(OrganizationLevel.AREA), OrganizationLevel.fromCode("area"));
        assertEquals(Optional.empty(), OrganizationLevel.fromCode("Area"));
    }

    @Test
    void nameSearchColumnHoldsEveryLanguageFoldedAndAsWritten() {
        StringType name = new StringType("Äänipalvelu");
        name.addExtension(OrganizationApiTest.translation("sv", "Ljudtjänst"));
        List<String> variants = NameSearch.variants(name);
        assertEquals(List.of("Äänipalvelu", "Ljudtjänst"), variants);
        assertEquals("\nf:aanipalvelu\nf:ljudtjanst\nx:Äänipalvelu\nx:Ljudtjänst\n", NameSearch.column(variants));
        assertEquals("%\nf:ljud%", NameSearch.pattern("", "LJUD"));
        assertEquals("%\nx:Ljudtjänst\n%", NameSearch.pattern(":exact", "Ljudtjänst"));
        assertEquals("%tjanst%", NameSearch.pattern(":contains", "tjänst"));
        assertTrue(NameSearch.pattern("", "50%_a\\b").endsWith("50\\%\\_a\\\\b%"), "LIKE wildcards are escaped");
    }
}
