package uk.safeguarding.protocol.cli;

import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import uk.safeguarding.protocol.engine.Actor;
import uk.safeguarding.protocol.engine.Approver;
import uk.safeguarding.protocol.engine.ConsentOverride;
import uk.safeguarding.protocol.engine.ConsentState;
import uk.safeguarding.protocol.engine.Decision;
import uk.safeguarding.protocol.engine.DecisionRequest;
import uk.safeguarding.protocol.engine.Obligation;
import uk.safeguarding.protocol.engine.PolicyEngine;
import uk.safeguarding.protocol.load.ProtocolLintException;
import uk.safeguarding.protocol.load.ProtocolLoader;
import uk.safeguarding.protocol.load.ProtocolSet;

/**
 * Answers "may agency X see category Y about a child for purpose Z?" from the command line, with the
 * shipped protocols (or a directory of them). Exit status: 0 permit, 1 deny, 2 usage or lint error.
 */
public final class Ask {

    private static final String USAGE = String.join("\n",
            "usage: Ask --agency ID --category C[,C...] --purpose P [options]",
            "  --agency ID            asking agency, e.g. police:lancashire (its type is the prefix)",
            "  --category C[,C...]    data categories, e.g. identity,placement",
            "  --purpose P            SAFEGUARDING, CARE-PLANNING, INVESTIGATION, MISSING-RESPONSE, DPO-REVIEW, SAR",
            "  --action A             refer, read (default), receive-alert, search, export, risk-downgrade,",
            "                         acknowledge, accept, decline, list-involvement",
            "  --roles R[,R...]       realm roles (default practitioner)",
            "  --relationship K[,K]   the agency's relationships with the child (default none)",
            "  --consent S            granted, refused, withdrawn, not-sought (default)",
            "  --missing              the child is missing now",
            "  --counterparty ID      owning agency of a read, or recipient of a referral",
            "  --scope partnership    ask for a lead DPO's partnership-wide view (search/export of audit)",
            "  --subject S            the asking user (default cli-user)",
            "  --justification TEXT   override: written justification",
            "  --basis CODE           override: lawful basis relied on",
            "  --approver S@AGENCY    override: approving user and agency (roles from --approver-roles)",
            "  --approver-roles R     override: approver's roles (default supervisor)",
            "  --at INSTANT           when (ISO-8601, default now)",
            "  --protocols DIR        load protocols from DIR instead of the shipped ones");

    private Ask() {
    }

    public static void main(String[] args) {
        int status = run(args, System.out, System.err);
        if (status != 0 && Boolean.getBoolean("ask.exit")) {
            System.exit(status);
        }
    }

    /** Runs the CLI; returns the exit status. Separated from {@link #main} so tests can call it. */
    public static int run(String[] args, PrintStream out, PrintStream err) {
        Map<String, String> opts;
        try {
            opts = parse(args);
        } catch (IllegalArgumentException e) {
            err.println(e.getMessage());
            err.println(USAGE);
            return 2;
        }
        if (opts.containsKey("help") || !opts.containsKey("agency") || !opts.containsKey("category")
                || !opts.containsKey("purpose")) {
            err.println(USAGE);
            return 2;
        }
        Instant at;
        try {
            at = opts.containsKey("at") ? Instant.parse(opts.get("at")) : Instant.now();
        } catch (DateTimeParseException e) {
            err.println("--at must be an ISO-8601 instant such as 2026-03-10T10:00:00Z");
            return 2;
        }
        ProtocolSet set;
        try {
            LocalDate day = LocalDate.ofInstant(at, ZoneId.of("Europe/London"));
            set = opts.containsKey("protocols") ? ProtocolLoader.loadDirectory(Path.of(opts.get("protocols")), day)
                    : ProtocolLoader.loadShipped(day);
        } catch (ProtocolLintException e) {
            err.println("protocols failed lint:");
            err.println(e.getMessage());
            return 2;
        }
        PolicyEngine engine = new PolicyEngine(set);
        Actor actor = Actor.of(opts.get("agency"), list(opts.getOrDefault("roles", "practitioner")),
                opts.getOrDefault("subject", "cli-user"));
        DecisionRequest request = DecisionRequest.builder(actor)
                .action(opts.getOrDefault("action", "read"))
                .relationships(list(opts.getOrDefault("relationship", "")))
                .categories(new ArrayList<>(list(opts.get("category"))))
                .purpose(opts.get("purpose"))
                .consent(ConsentState.fromCode(opts.get("consent")))
                .override(override(opts))
                .missing(opts.containsKey("missing"))
                .counterparty(opts.get("counterparty"))
                .scope(opts.get("scope"))
                .at(at)
                .build();
        Decision d = engine.decide(request);
        print(request, d, out);
        return d.isPermit() ? 0 : 1;
    }

    private static ConsentOverride override(Map<String, String> opts) {
        if (!opts.containsKey("justification")) {
            return null;
        }
        Approver approver = null;
        String a = opts.get("approver");
        if (a != null) {
            int at = a.indexOf('@');
            approver = new Approver(at < 0 ? a : a.substring(0, at), at < 0 ? "" : a.substring(at + 1),
                    list(opts.getOrDefault("approver-roles", "supervisor")), false);
        }
        return new ConsentOverride(opts.get("justification"), opts.get("basis"), approver);
    }

    static void print(DecisionRequest r, Decision d, PrintStream out) {
        out.printf("Question: may %s (%s; roles %s) %s [%s] about a child for %s?%n", r.actor().agencyId(),
                r.actor().agencyType(), String.join(",", r.actor().roles().stream().sorted().toList()), r.action(),
                String.join(", ", r.categories()), r.purpose());
        out.printf("  relationships: %s; consent: %s; child missing: %s; at %s%n",
                r.relationships().isEmpty() ? "none" : String.join(",", r.relationships().stream().sorted().toList()),
                r.consent().code(), r.child().missing() ? "yes" : "no", r.at());
        out.println("Decision: " + d.effect() + (d.isPermit() ? "" : " (" + d.denialCode() + ", rule " + d.rule() + ")"));
        out.println("Permitted categories: " + (d.permittedCategories().isEmpty() ? "none" : String.join(", ", d.permittedCategories())));
        if (!d.withheld().isEmpty()) {
            out.println("Withheld: " + d.withheld().entrySet().stream().map(e -> e.getKey() + " (" + e.getValue() + ")")
                    .collect(Collectors.joining(", ")));
        }
        out.println("Lawful basis: " + (d.lawfulBasis() == null ? "none" : d.lawfulBasis()));
        out.println("Reasons:" + (d.reasons().isEmpty() ? " none" : ""));
        d.reasons().forEach(reason -> out.println("  " + reason));
        if (!d.obligations().isEmpty()) {
            out.println("Obligations:");
            for (Obligation o : d.obligations()) {
                out.println("  " + o.type() + (o.category() == null ? "" : " [" + o.category() + "]") + ": " + o.detail());
            }
        }
    }

    private static Set<String> list(String csv) {
        return Arrays.stream(csv.split(",")).map(String::strip).filter(s -> !s.isEmpty())
                .collect(Collectors.toCollection(LinkedHashSet::new));
    }

    private static Map<String, String> parse(String[] args) {
        Set<String> flags = Set.of("missing", "help");
        Set<String> valued = Set.of("agency", "category", "purpose", "action", "roles", "relationship", "consent",
                "counterparty", "scope", "subject", "justification", "basis", "approver", "approver-roles", "at", "protocols");
        Map<String, String> opts = new HashMap<>();
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            if (!a.startsWith("--")) {
                throw new IllegalArgumentException("unexpected argument '" + a + "'");
            }
            String name = a.substring(2);
            if (flags.contains(name)) {
                opts.put(name, "true");
            } else if (valued.contains(name)) {
                if (i + 1 >= args.length) {
                    throw new IllegalArgumentException(a + " needs a value");
                }
                opts.put(name, args[++i]);
            } else {
                throw new IllegalArgumentException("unknown option " + a);
            }
        }
        return opts;
    }
}
