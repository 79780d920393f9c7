package fi.vointi.organization;

/**
 * One Organization of the hierarchy as {@link UnitTree} reports it.
 *
 * @param id              the Organization id (no {@code Organization/} prefix)
 * @param parentId        the id of its parent ({@code partOf}); null for a county
 * @param level           county, area, service or unit
 * @param name            the name in the base language (Finnish)
 * @param active          false once deactivated
 * @param feedbackEnabled whether it collects customer feedback (extension {@code feedback-enabled})
 */
public record UnitNode(String id, String parentId, OrganizationLevel level, String name, boolean active,
                       boolean feedbackEnabled) {

    /** {@code Organization/<id>}, as stored in a response's service-unit extension. */
    public String reference() {
        return "Organization/" + id;
    }
}
