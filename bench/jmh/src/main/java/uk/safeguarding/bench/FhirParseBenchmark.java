package uk.safeguarding.bench;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.parser.DataFormatException;
import ca.uhn.fhir.parser.IParser;
import ca.uhn.fhir.parser.StrictErrorHandler;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.hl7.fhir.r4.model.Bundle;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * The referral intake's parse (issue 5: strict, unknown elements and wrong types are errors) of a
 * realistic transaction Bundle (Patient, ServiceRequest, Flag, Consent, DocumentReference) against
 * HAPI's bare, lenient default parse of the same bytes. The referral feature's domain checks
 * (date of birth, NHS number modulus 11, coded risk, victim-blaming phrases) plug in as a third
 * benchmark when they land on this branch.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class FhirParseBenchmark {

    static final String BUNDLE = "bench/referral-bundle.json";

    private FhirContext context;
    private String json;

    @Setup
    public void setUp() throws Exception {
        context = FhirContext.forR4();
        try (InputStream in = FhirParseBenchmark.class.getClassLoader().getResourceAsStream(BUNDLE)) {
            json = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        Bundle bundle = strictParse();
        if (bundle.getEntry().size() != 5) {
            throw new IllegalStateException("the fixture should have 5 entries, got " + bundle.getEntry().size());
        }
        // Prove the strict handler is engaged: an unknown element must fail, leniently it must not.
        String broken = json.replaceFirst("\"birthDate\"", "\"birthDat\": \"x\", \"birthDate\"");
        lenient().parseResource(Bundle.class, broken);
        try {
            strict().parseResource(Bundle.class, broken);
            throw new IllegalStateException("strict parse accepted an unknown element");
        } catch (DataFormatException expected) {
            // as it should
        }
    }

    private IParser strict() {
        return context.newJsonParser().setParserErrorHandler(new StrictErrorHandler());
    }

    private IParser lenient() {
        return context.newJsonParser();
    }

    /** Issue 5's intake parse: strict error handler, a new parser per request as the gateway does. */
    @Benchmark
    public Bundle strictParse() {
        return strict().parseResource(Bundle.class, json);
    }

    /** Baseline: HAPI's default (lenient) parse of the same bytes. */
    @Benchmark
    public Bundle lenientParse() {
        return lenient().parseResource(Bundle.class, json);
    }
}
