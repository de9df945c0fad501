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
 * run time (hapi-fhir-validation is a test dependency only).
 *
 * <p>The unwarmed cost is measured in {@link Validator}'s set-up, once per fork of
 * {@code parseAndValidate} (a fresh JVM each): build the validator and validate once, timed, printed
 * as {@code first validation in this JVM: N ms} for bench/steps/fhir-validation.sh to collect. The
 * {@code parse} baseline never loads the validator.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class FhirValidationBenchmark {

    private FhirContext context;
    private String json;

    static FhirValidator validator(FhirContext fhir) {
        ValidationSupportChain chain = new ValidationSupportChain(new DefaultProfileValidationSupport(fhir),
                new CommonCodeSystemsTerminologyService(fhir), new InMemoryTerminologyServerValidationSupport(fhir),
                new SnapshotGeneratingValidationSupport(fhir));
        return fhir.newValidator().registerValidatorModule(new FhirInstanceValidator(chain));
    }

    static Bundle strictParse(FhirContext fhir, String json) {
        return fhir.newJsonParser().setParserErrorHandler(new StrictErrorHandler()).parseResource(Bundle.class, json);
    }

    /** The FhirContext built and used for one parse and encode, as the gateway's start-up warm-up leaves it. */
    @Setup
    public void setUp() throws Exception {
        context = FhirContext.forR4();
        json = FhirParseBenchmark.fixture();
        context.newJsonParser().encodeResourceToString(strictParse(context, json));
    }

    /** The validator of one fork, and what its first call cost. */
    @State(Scope.Benchmark)
    public static class Validator {

        FhirValidator validator;

        @Setup
        public void setUp(FhirValidationBenchmark bench) {
            Bundle bundle = strictParse(bench.context, bench.json);
            long started = System.nanoTime();
            validator = validator(bench.context);
            ValidationResult result = validator.validateWithResult(bundle);
            long millis = (System.nanoTime() - started) / 1_000_000;
            System.out.println("first validation in this JVM: " + millis + " ms");
            // What the validator says about the fixture (its own extensions and code systems are not
            // known to the base profiles): printed so the log shows the work is real.
            long errors = result.getMessages().stream().filter(m -> m.getSeverity() == ResultSeverityEnum.ERROR
                    || m.getSeverity() == ResultSeverityEnum.FATAL).count();
            System.out.println("validation of the fixture: " + result.getMessages().size() + " message(s), " + errors + " error(s)");
            result.getMessages().stream().filter(m -> m.getSeverity() == ResultSeverityEnum.ERROR).limit(3)
                    .forEach(m -> System.out.println("  ERROR " + m.getLocationString() + ": " + m.getMessage()));
        }
    }

    /** Strict parse, then profile validation of the parsed Bundle (validator warmed). */
    @Benchmark
    public ValidationResult parseAndValidate(Validator v) {
        return v.validator.validateWithResult(strictParse(context, json));
    }

    /** Baseline: the strict parse alone (what intake does today before its own checks). */
    @Benchmark
    public Bundle parse() {
        return strictParse(context, json);
    }
}
