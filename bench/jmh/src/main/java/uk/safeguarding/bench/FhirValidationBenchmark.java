package uk.safeguarding.bench;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.context.support.DefaultProfileValidationSupport;
import ca.uhn.fhir.parser.StrictErrorHandler;
import ca.uhn.fhir.validation.FhirValidator;
import ca.uhn.fhir.validation.ResultSeverityEnum;
import ca.uhn.fhir.validation.ValidationResult;
import java.util.concurrent.TimeUnit;
import org.hl7.fhir.common.hapi.validation.support.CommonCodeSystemsTerminologyService;
import org.hl7.fhir.common.hapi.validation.support.InMemoryTerminologyServerValidationSupport;
import org.hl7.fhir.common.hapi.validation.support.SnapshotGeneratingValidationSupport;
import org.hl7.fhir.common.hapi.validation.support.ValidationSupportChain;
import org.hl7.fhir.common.hapi.validation.validator.FhirInstanceValidator;
import org.hl7.fhir.r4.model.Bundle;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * What HAPI FHIR profile validation (hapi-fhir-validation, the R4 base profiles and terminology in
 * memory) would add to the referral intake: the strict parse plus {@code validateWithResult} of the
 * referral Bundle, against the strict parse alone. The validator is built as the gateway's AuditEvent
 * export test builds it ({@code AuditExportTest}); the gateway itself does not validate profiles at
 * run time (hapi-fhir-validation is a test dependency only). {@link FirstCall} measures the unwarmed
 * cost: the first validation in a fresh JVM.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class FhirValidationBenchmark {

    private FhirContext context;
    private String json;
    private FhirValidator validator;

    static FhirValidator validator(FhirContext fhir) {
        ValidationSupportChain chain = new ValidationSupportChain(new DefaultProfileValidationSupport(fhir),
                new CommonCodeSystemsTerminologyService(fhir), new InMemoryTerminologyServerValidationSupport(fhir),
                new SnapshotGeneratingValidationSupport(fhir));
        return fhir.newValidator().registerValidatorModule(new FhirInstanceValidator(chain));
    }

    static Bundle strictParse(FhirContext fhir, String json) {
        return fhir.newJsonParser().setParserErrorHandler(new StrictErrorHandler()).parseResource(Bundle.class, json);
    }

    @Setup
    public void setUp() throws Exception {
        context = FhirContext.forR4();
        json = FhirParseBenchmark.fixture();
        validator = validator(context);
        ValidationResult result = parseAndValidate();
        // What the validator says about the fixture (its own extensions and code systems are not
        // known to the base profiles): printed so the log shows the work is real, never a number here.
        long errors = result.getMessages().stream().filter(m -> m.getSeverity() == ResultSeverityEnum.ERROR
                || m.getSeverity() == ResultSeverityEnum.FATAL).count();
        System.out.println("validation of the fixture: " + result.getMessages().size() + " message(s), " + errors + " error(s)");
        result.getMessages().stream().limit(5).forEach(m -> System.out.println("  " + m.getSeverity() + " "
                + m.getLocationString() + ": " + m.getMessage()));
    }

    /** Strict parse, then profile validation of the parsed Bundle. */
    @Benchmark
    public ValidationResult parseAndValidate() {
        return validator.validateWithResult(strictParse(context, json));
    }

    /** Baseline: the strict parse alone (what intake does today before its own checks). */
    @Benchmark
    public Bundle parse() {
        return strictParse(context, json);
    }

    /**
     * The unwarmed cost: in a fresh JVM whose FhirContext is already built and has parsed once (as the
     * gateway's start-up warm-up leaves it), build the validator and validate the Bundle once. Run
     * with one measured iteration and no warm-up per fork; each fork is one first call.
     */
    @State(Scope.Benchmark)
    @BenchmarkMode(Mode.SingleShotTime)
    @OutputTimeUnit(TimeUnit.MILLISECONDS)
    public static class FirstCall {

        private FhirContext context;
        private Bundle bundle;

        @Setup(Level.Trial)
        public void setUp() throws Exception {
            context = FhirContext.forR4();
            bundle = strictParse(context, FhirParseBenchmark.fixture());
            context.newJsonParser().encodeResourceToString(bundle);
        }

        @Benchmark
        public ValidationResult firstValidation() {
            return validator(context).validateWithResult(bundle);
        }
    }
}
