package fi.vointi.responses;

import io.micronaut.core.annotation.Nullable;
import org.hl7.fhir.r4.model.IdType;
import org.hl7.fhir.r4.model.Reference;

/** Splits literal references ("Patient/123" or an absolute URL ending so) into type and id. */
record ResponseReferences(@Nullable String type, @Nullable String id) {
    static final ResponseReferences NONE = new ResponseReferences(null, null);

    static ResponseReferences of(@Nullable Reference reference) {
        if (reference == null || !reference.hasReference()) {
            return NONE;
        }
        IdType id = new IdType(reference.getReference());
        return new ResponseReferences(id.getResourceType(), id.getIdPart());
    }

    @Nullable
    String asRelative() {
        return id == null ? null : (type == null ? id : type + "/" + id);
    }
}
