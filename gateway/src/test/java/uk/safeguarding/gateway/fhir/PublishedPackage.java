package uk.safeguarding.gateway.fhir;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.context.support.DefaultProfileValidationSupport;
import ca.uhn.fhir.validation.FhirValidator;
import ca.uhn.fhir.validation.ResultSeverityEnum;
import ca.uhn.fhir.validation.ValidationOptions;
import ca.uhn.fhir.validation.ValidationResult;
import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import org.hl7.fhir.common.hapi.validation.support.CommonCodeSystemsTerminologyService;
import org.hl7.fhir.common.hapi.validation.support.InMemoryTerminologyServerValidationSupport;
import org.hl7.fhir.common.hapi.validation.support.NpmPackageValidationSupport;
import org.hl7.fhir.common.hapi.validation.support.SnapshotGeneratingValidationSupport;
import org.hl7.fhir.common.hapi.validation.support.ValidationSupportChain;
import org.hl7.fhir.common.hapi.validation.validator.FhirInstanceValidator;
import uk.safeguarding.gateway.support.TestTokens;

/**
 * What a FHIR client does with the gateway's published package: download {@code /fhir/package.tgz}
 * (any valid token, no purpose of use), load it into HAPI's NpmPackageValidationSupport, and validate locally. HAPI loads
 * packages from the classpath only, so the client loads the copy the fhir-profiles jar carries after
 * checking it is byte for byte the one downloaded.
 */
final class PublishedPackage {

    static final FhirContext FHIR = FhirContext.forR4Cached();
    private static FhirValidator validator;
    private static NpmPackageValidationSupport npm;

    private PublishedPackage() {
    }

    static synchronized FhirValidator validator() throws IOException {
        if (validator == null) {
            byte[] downloaded = given().auth().oauth2(token()).when().get("/fhir/package.tgz").then().statusCode(200).extract().asByteArray();
            try (InputStream jar = PublishedPackage.class.getClassLoader().getResourceAsStream("fhir/package.tgz")) {
                assertArrayEquals(jar.readAllBytes(), downloaded, "the package served is the package built");
            }
            npm = new NpmPackageValidationSupport(FHIR);
            npm.loadPackageFromClasspath("classpath:fhir/package.tgz");
            ValidationSupportChain chain = new ValidationSupportChain(npm, new DefaultProfileValidationSupport(FHIR),
                    new CommonCodeSystemsTerminologyService(FHIR), new InMemoryTerminologyServerValidationSupport(FHIR),
                    new SnapshotGeneratingValidationSupport(FHIR));
            validator = FHIR.newValidator().registerValidatorModule(new FhirInstanceValidator(chain));
        }
        return validator;
    }

    /** A token of any onboarded agency: the conformance routes need no role and no purpose of use. */
    static String token() {
        return TestTokens.forAgency("la:E09000030").subject("conformance-reader").sign();
    }

    static NpmPackageValidationSupport npm() throws IOException {
        validator();
        return npm;
    }

    /** The error and fatal messages of validating {@code json} against {@code profile}, as "location: message". */
    static List<String> errors(String json, String profile) throws IOException {
        ValidationResult result = validator().validateWithResult(json, new ValidationOptions().addProfile(profile));
        return result.getMessages().stream()
                .filter(m -> m.getSeverity() == ResultSeverityEnum.ERROR || m.getSeverity() == ResultSeverityEnum.FATAL)
                .map(m -> m.getLocationString() + ": " + m.getMessage()).toList();
    }
}
