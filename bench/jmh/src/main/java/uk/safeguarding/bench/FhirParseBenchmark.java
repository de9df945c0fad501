package uk.safeguarding.bench;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.parser.DataFormatException;
import ca.uhn.fhir.parser.IParser;
import ca.uhn.fhir.parser.StrictErrorHandler;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.hl7.fhir.r4.model.Bundle;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import uk.safeguarding.gateway.fhir.BenchAccess;
import uk.safeguarding.gateway.fhir.FhirIntake;
import uk.safeguarding.gateway.problem.ApiException;
import uk.safeguarding.gateway.referral.LanguageCheck;
import uk.safeguarding.gateway.referral.Referral;
import uk.safeguarding.gateway.referral.ReferralValidator;

/**
 * The referral intake's parse (issue 5: strict, unknown elements and wrong types are errors) of a
 * realistic transaction Bundle (Patient, ServiceRequest, Flag, Consent, DocumentReference) against
 * HAPI's bare, lenient default parse of the same bytes; and the gateway's whole CPU-side intake of
 * the same Bundle (its own classes, from the gateway jar on the class path): {@code FhirIntake.parse}
 * (duplicate-key and length checks, strict parse, re-encode and compare), {@code TransactionIntake}
 * (Bundle to canonical referral, supporting entries), {@code ReferralValidator} (date of birth, NHS
 * number modulus 11, coded risk and concerns, lengths) and {@code LanguageCheck} (victim-blaming
 * phrases in every free-text field).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class FhirParseBenchmark {

    static final String BUNDLE = "bench/referral-bundle.json";
    /** The fixture's requester: the token's agency must match it (ReferralValidator). */
    static final String REQUESTER = "police:met";
    /** The gateway's default gateway.referral.max-text-length. */
    static final int MAX_TEXT = 20_000;

    private FhirContext context;
    private String json;
    private FhirIntake intake;
    private LanguageCheck language;

    @Setup
    public void setUp() throws Exception {
        context = FhirContext.forR4();
        json = fixture();
        intake = new FhirIntake(context);
        language = LanguageCheck.fromClasspath("referral/victim-blaming-phrases.json");
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
        // Prove the domain checks run on this path: the fixture passes them, a wrong check digit does not.
        List<LanguageCheck.Flag> flags = checks(json);
        refuses(json.replace("9434765919", "9434765918"), "NHS_NUMBER_CHECK_DIGIT");
        refuses(json.replace("\"birthDate\": \"2011-03-14\"", "\"birthDate\": \"2099-03-14\""), "DATE_OF_BIRTH_IN_FUTURE");
        System.out.println("fixture: " + json.length() + " characters, " + flags.size() + " language flag(s)");
    }

    static String fixture() throws Exception {
        try (InputStream in = FhirParseBenchmark.class.getClassLoader().getResourceAsStream(BUNDLE)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    private void refuses(String body, String rule) {
        try {
            checks(body);
        } catch (ApiException e) {
            if (e.errors().stream().anyMatch(f -> rule.equals(f.rule()))) {
                return;
            }
            throw new IllegalStateException("expected " + rule + ", got " + e.code() + " " + e.errors(), e);
        }
        throw new IllegalStateException("the checks accepted a referral that breaks " + rule);
    }

    private List<LanguageCheck.Flag> checks(String body) {
        Bundle bundle = intake.parse(Bundle.class, body);
        Referral referral = BenchAccess.readTransaction(context, bundle).referral();
        ReferralValidator.validate(referral, REQUESTER, MAX_TEXT);
        return language.check(referral.freeText());
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

    /** The gateway's intake as its FHIR resource runs it, up to (not including) the policy decision and the database. */
    @Benchmark
    public List<LanguageCheck.Flag> strictParseAndChecks() {
        return checks(json);
    }

    /** Baseline: HAPI's default (lenient) parse of the same bytes. */
    @Benchmark
    public Bundle lenientParse() {
        return lenient().parseResource(Bundle.class, json);
    }
}
