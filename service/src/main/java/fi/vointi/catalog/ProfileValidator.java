package fi.vointi.catalog;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.context.support.DefaultProfileValidationSupport;
import ca.uhn.fhir.validation.FhirValidator;
import ca.uhn.fhir.validation.ResultSeverityEnum;
import ca.uhn.fhir.validation.SingleValidationMessage;
import ca.uhn.fhir.validation.ValidationOptions;
import ca.uhn.fhir.validation.ValidationResult;
import org.hl7.fhir.common.hapi.validation.support.CommonCodeSystemsTerminologyService;
import org.hl7.fhir.common.hapi.validation.support.InMemoryTerminologyServerValidationSupport;
import org.hl7.fhir.common.hapi.validation.support.PrePopulatedValidationSupport;
import org.hl7.fhir.common.hapi.validation.support.SnapshotGeneratingValidationSupport;
import org.hl7.fhir.common.hapi.validation.support.ValidationSupportChain;
import org.hl7.fhir.common.hapi.validation.validator.FhirInstanceValidator;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.CodeSystem;
import org.hl7.fhir.r4.model.StructureDefinition;
import org.hl7.fhir.r4.model.ValueSet;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The HAPI instance validator with the FHIR core definitions plus our own conformance resources
 * (profiles, extensions, CodeSystems, ValueSets from fhir-profiles/ and the county's folder).
 */
public final class ProfileValidator {
    // HAPI's validator spends seconds loading and converting the core definitions on its first use; it is
    // thread-safe and immutable for the same inputs, so every application context of this JVM shares one.
    private static final Map<String, ProfileValidator> SHARED = new ConcurrentHashMap<>();
    private final FhirValidator validator;

    /** The one validator of this JVM for these conformance resources ({@code fingerprint}, see {@link ValidationFingerprint}). */
    public static ProfileValidator shared(FhirContext context, List<IBaseResource> conformanceResources, String fingerprint) {
        String key = fingerprint + "@" + System.identityHashCode(context);
        return SHARED.computeIfAbsent(key, k -> new ProfileValidator(context, conformanceResources));
    }

    public ProfileValidator(FhirContext context, List<IBaseResource> conformanceResources) {
        PrePopulatedValidationSupport ours = new PrePopulatedValidationSupport(context);
        for (IBaseResource resource : conformanceResources) {
            if (resource instanceof StructureDefinition sd) {
                ours.addStructureDefinition(sd);
            } else if (resource instanceof CodeSystem cs) {
                ours.addCodeSystem(cs);
            } else if (resource instanceof ValueSet vs) {
                ours.addValueSet(vs);
            }
        }
        ValidationSupportChain chain = new ValidationSupportChain(
                ours,
                new DefaultProfileValidationSupport(context),
                new CommonCodeSystemsTerminologyService(context),
                new InMemoryTerminologyServerValidationSupport(context),
                new SnapshotGeneratingValidationSupport(context));
        FhirInstanceValidator module = new FhirInstanceValidator(chain);
        // Terminology we cannot check offline (e.g. SNOMED CT) must not fail a county's content.
        module.setNoTerminologyChecks(false);
        module.setAnyExtensionsAllowed(true);
        this.validator = context.newValidator().registerValidatorModule(module);
    }

    /** Validates against the base resource definition and the given profiles; returns errors and fatals only. */
    public List<SingleValidationMessage> errors(IBaseResource resource, List<String> profiles) {
        ValidationOptions options = new ValidationOptions();
        profiles.forEach(options::addProfile);
        ValidationResult result = validator.validateWithResult(resource, options);
        return result.getMessages().stream()
                .filter(m -> m.getSeverity() == ResultSeverityEnum.ERROR || m.getSeverity() == ResultSeverityEnum.FATAL)
                .toList();
    }
}
