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

/**
 * The HAPI instance validator with the FHIR core definitions plus our own conformance resources
 * (profiles, extensions, CodeSystems, ValueSets from fhir-profiles/ and the county's folder).
 */
public final class ProfileValidator {
    private final FhirValidator validator;

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
