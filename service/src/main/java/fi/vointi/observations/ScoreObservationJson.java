package fi.vointi.observations;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import org.hl7.fhir.instance.model.api.IIdType;
import org.hl7.fhir.r4.model.Base;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.Element;
import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.IntegerType;
import org.hl7.fhir.r4.model.Meta;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Observation.ObservationComponentComponent;
import org.hl7.fhir.r4.model.PrimitiveType;
import org.hl7.fhir.r4.model.Quantity;
import org.hl7.fhir.r4.model.Reference;

import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.util.List;
import java.util.Optional;

/**
 * The stored JSON of a score Observation as {@link ObservationFactory} builds it, written straight onto Jackson's
 * generator — the same generator HAPI's JSON parser writes with — in the element order of the FHIR R4 definition, with the
 * service's parser options ({@code fi.vointi.fhir.FhirContexts}: versions kept in {@code derivedFrom} only).
 * Every create writes four of these, and HAPI's generic encoder, which walks each element's definition by reflection,
 * was an eighth of the service's CPU per create (issue 19).
 *
 * <p>It covers only the elements and types the factory uses. Anything else — an extension, an element id, a note, a
 * field of a type it does not know — gives {@link Optional#empty()}, and the caller encodes with HAPI instead, so
 * nothing can be left out silently. {@code ScoreObservationJsonTest} holds it to HAPI's output, byte for byte, for
 * every shape the factory builds.
 */
final class ScoreObservationJson {
    private static final JsonFactory JSON = new JsonFactory();

    private ScoreObservationJson() {
    }

    /** The Observation as HAPI's {@code encodeResourceToString} writes it, or empty when it is not a plain score. */
    static Optional<String> write(Observation o) {
        if (!covered(o)) {
            return Optional.empty();
        }
        StringWriter text = new StringWriter(1200);
        try (JsonGenerator g = JSON.createGenerator(text)) {
            g.writeStartObject();
            g.writeStringField("resourceType", "Observation");
            if (o.getIdElement().hasIdPart()) {
                g.writeStringField("id", o.getIdElement().getIdPart());
            }
            if (o.hasMeta()) {
                Meta meta = o.getMeta();
                g.writeObjectFieldStart("meta");
                primitive(g, "versionId", meta.getVersionIdElement());
                primitive(g, "lastUpdated", meta.getLastUpdatedElement());
                g.writeEndObject();
            }
            primitive(g, "status", o.getStatusElement());
            concepts(g, "category", o.getCategory());
            concept(g, "code", o.getCode());
            reference(g, "subject", o.getSubject(), false);
            if (o.hasEffective()) {
                primitive(g, "effectiveDateTime", o.getEffectiveDateTimeType());
            }
            primitive(g, "issued", o.getIssuedElement());
            references(g, "performer", o.getPerformer(), false);
            if (o.hasValue()) {
                g.writeFieldName("valueQuantity");
                quantity(g, o.getValueQuantity());
            }
            concept(g, "dataAbsentReason", o.getDataAbsentReason());
            concepts(g, "interpretation", o.getInterpretation());
            references(g, "derivedFrom", o.getDerivedFrom(), true);
            if (o.hasComponent()) {
                g.writeArrayFieldStart("component");
                for (ObservationComponentComponent component : o.getComponent()) {
                    g.writeStartObject();
                    concept(g, "code", component.getCode());
                    if (component.getValue() instanceof Quantity q) {
                        g.writeFieldName("valueQuantity");
                        quantity(g, q);
                    } else if (component.getValue() instanceof IntegerType i) {
                        g.writeNumberField("valueInteger", i.getValue());
                    }
                    g.writeEndObject();
                }
                g.writeEndArray();
            }
            g.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e); // a StringWriter does not fail
        }
        return Optional.of(text.toString());
    }

    /**
     * Whether every element present is one {@link #write} writes: the Observation's own elements first, then each
     * data type's, with no element ids or extensions anywhere.
     */
    private static boolean covered(Observation o) {
        if (o.hasIdentifier() || o.hasBasedOn() || o.hasPartOf() || o.hasFocus() || o.hasEncounter() || o.hasNote()
                || o.hasBodySite() || o.hasMethod() || o.hasSpecimen() || o.hasDevice() || o.hasReferenceRange()
                || o.hasHasMember() || o.hasContained() || o.hasText() || o.hasExtension() || o.hasModifierExtension()
                || o.hasImplicitRules() || o.hasLanguage()) {
            return false;
        }
        // a parsed resource's id carries its meta.versionId; any other version in the id is HAPI's to reconcile
        if (o.getIdElement().hasVersionIdPart()
                && !o.getIdElement().getVersionIdPart().equals(o.getMeta().getVersionId())) {
            return false;
        }
        if (o.hasMeta()) {
            Meta meta = o.getMeta();
            if (meta.hasProfile() || meta.hasSecurity() || meta.hasTag() || meta.hasSource() || !plain(meta)
                    || !plain(meta.getVersionIdElement()) || !plain(meta.getLastUpdatedElement())) {
                return false;
            }
        }
        if (!plain(o.getStatusElement()) || !plain(o.getIssuedElement())) {
            return false;
        }
        if (o.hasEffective() && !(o.getEffective() instanceof org.hl7.fhir.r4.model.DateTimeType dt && plain(dt))) {
            return false;
        }
        if (o.hasValue() && !(o.getValue() instanceof Quantity q && covered(q))) {
            return false;
        }
        if (!o.getCategory().stream().allMatch(ScoreObservationJson::covered) || !covered(o.getCode())
                || !covered(o.getDataAbsentReason()) || !o.getInterpretation().stream().allMatch(ScoreObservationJson::covered)
                || !covered(o.getSubject()) || !o.getPerformer().stream().allMatch(ScoreObservationJson::covered)
                || !o.getDerivedFrom().stream().allMatch(ScoreObservationJson::covered)) {
            return false;
        }
        for (ObservationComponentComponent c : o.getComponent()) {
            if (!plain(c) || c.hasModifierExtension() || c.hasDataAbsentReason() || c.hasInterpretation()
                    || c.hasReferenceRange() || !covered(c.getCode())) {
                return false;
            }
            boolean value = c.getValue() instanceof Quantity q ? covered(q)
                    : c.getValue() instanceof IntegerType i ? plain(i) && i.getValue() != null : !c.hasValue();
            if (!value) {
                return false;
            }
        }
        return true;
    }

    private static boolean covered(CodeableConcept concept) {
        if (concept == null || concept.isEmpty()) {
            return true;
        }
        if (!plain(concept) || !plain(concept.getTextElement())) {
            return false;
        }
        for (Coding coding : concept.getCoding()) {
            if (!plain(coding) || coding.hasVersion() || coding.hasUserSelected() || !plain(coding.getSystemElement())
                    || !plain(coding.getCodeElement()) || !plain(coding.getDisplayElement())) {
                return false;
            }
        }
        return true;
    }

    private static boolean covered(Reference reference) {
        if (reference == null || reference.isEmpty()) {
            return true;
        }
        if (!plain(reference) || !plain(reference.getReferenceElement_()) || !plain(reference.getTypeElement())
                || !plain(reference.getDisplayElement()) || reference.getResource() != null) {
            return false;
        }
        Identifier id = reference.hasIdentifier() ? reference.getIdentifier() : null;
        return id == null || (plain(id) && !id.hasUse() && !id.hasType() && !id.hasPeriod() && !id.hasAssigner()
                && plain(id.getSystemElement()) && plain(id.getValueElement()));
    }

    private static boolean covered(Quantity q) {
        return plain(q) && !q.hasComparator() && plain(q.getValueElement()) && plain(q.getUnitElement())
                && plain(q.getSystemElement()) && plain(q.getCodeElement());
    }

    /** No element id and no extensions (a primitive's would be written as {@code _name}). */
    private static boolean plain(Element element) {
        return element == null || (!element.hasId() && !element.hasExtension());
    }

    private static boolean plain(PrimitiveType<?> primitive) {
        return primitive == null || (!primitive.hasId() && !primitive.hasExtension());
    }

    private static void primitive(JsonGenerator g, String name, PrimitiveType<?> value) throws IOException {
        if (value != null && value.hasValue()) {
            g.writeStringField(name, value.getValueAsString());
        }
    }

    /** How one kind of element writes its fields inside its object. */
    private interface Fields<T> {
        void write(JsonGenerator g, T element) throws IOException;
    }

    /** A repeated element: its non-empty items as objects, nothing at all when there are none (as HAPI does). */
    private static <T extends Base> void array(JsonGenerator g, String name, List<T> items, Fields<T> fields)
            throws IOException {
        if (items.stream().allMatch(Base::isEmpty)) {
            return;
        }
        g.writeArrayFieldStart(name);
        for (T item : items) {
            if (!item.isEmpty()) {
                g.writeStartObject();
                fields.write(g, item);
                g.writeEndObject();
            }
        }
        g.writeEndArray();
    }

    private static void concepts(JsonGenerator g, String name, List<CodeableConcept> concepts) throws IOException {
        array(g, name, concepts, ScoreObservationJson::conceptFields);
    }

    private static void concept(JsonGenerator g, String name, CodeableConcept concept) throws IOException {
        if (concept != null && !concept.isEmpty()) {
            g.writeObjectFieldStart(name);
            conceptFields(g, concept);
            g.writeEndObject();
        }
    }

    private static void conceptFields(JsonGenerator g, CodeableConcept concept) throws IOException {
        array(g, "coding", concept.getCoding(), (generator, coding) -> {
            primitive(generator, "system", coding.getSystemElement());
            primitive(generator, "code", coding.getCodeElement());
            primitive(generator, "display", coding.getDisplayElement());
        });
        primitive(g, "text", concept.getTextElement());
    }

    private static void references(JsonGenerator g, String name, List<Reference> references, boolean keepVersion)
            throws IOException {
        array(g, name, references, (generator, reference) -> referenceFields(generator, reference, keepVersion));
    }

    private static void reference(JsonGenerator g, String name, Reference reference, boolean keepVersion)
            throws IOException {
        if (reference != null && !reference.isEmpty()) {
            g.writeObjectFieldStart(name);
            referenceFields(g, reference, keepVersion);
            g.writeEndObject();
        }
    }

    private static void referenceFields(JsonGenerator g, Reference reference, boolean keepVersion) throws IOException {
        if (reference.hasReference()) {
            g.writeStringField("reference", referenceText(reference, keepVersion));
        }
        primitive(g, "type", reference.getTypeElement());
        if (reference.hasIdentifier()) {
            g.writeObjectFieldStart("identifier");
            primitive(g, "system", reference.getIdentifier().getSystemElement());
            primitive(g, "value", reference.getIdentifier().getValueElement());
            g.writeEndObject();
        }
        primitive(g, "display", reference.getDisplayElement());
    }

    /**
     * The reference as HAPI's parser writes it with the service's parser options (FhirContexts): a version is kept
     * in {@code Observation.derivedFrom} only, and stripped everywhere else.
     */
    private static String referenceText(Reference reference, boolean keepVersion) {
        IIdType id = reference.getReferenceElement();
        if (keepVersion || id.getIdPart() == null || id.getIdPart().isBlank()) {
            return id.getValue();
        }
        return id.toVersionless().getValue();
    }

    private static void quantity(JsonGenerator g, Quantity q) throws IOException {
        g.writeStartObject();
        if (q.hasValue()) {
            // as HAPI writes a decimal: the number exactly as its text, never through a double
            g.writeNumberField("value", new BigDecimal(q.getValueElement().getValueAsString()));
        }
        primitive(g, "unit", q.getUnitElement());
        primitive(g, "system", q.getSystemElement());
        primitive(g, "code", q.getCodeElement());
        g.writeEndObject();
    }
}
