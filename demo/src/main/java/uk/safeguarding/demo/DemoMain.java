package uk.safeguarding.demo;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

/**
 * {@code bin/run demo}: plays the journey against a running gateway and Keycloak with narration and
 * pauses, prints where to look next, then keeps the agency receivers listening until stopped.
 *
 * <pre>java uk.safeguarding.demo.DemoMain --gateway URL --realm URL --jdbc URL [--pause enter|SECONDS]</pre>
 */
public final class DemoMain {

    private DemoMain() {
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> options = options(args);
        String gateway = options.getOrDefault("gateway", "http://127.0.0.1:8080");
        String realm = options.getOrDefault("realm", "http://127.0.0.1:8180/realms/safeguarding");
        String jdbc = options.getOrDefault("jdbc", "jdbc:postgresql://127.0.0.1:15432/gateway");
        String pauseMode = options.getOrDefault("pause", "enter");
        BufferedReader stdin = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        Runnable pause = () -> pause(pauseMode, stdin);

        Api api = new Api(gateway, realm);
        try (Receivers receivers = new Receivers()) {
            System.out.println();
            System.out.println("  The demo journey: one fictional girl, nine agencies, one gateway.");
            System.out.println("  Every request below goes through the gateway's public API with a real Keycloak token;");
            System.out.println("  each agency's own system is stood in by a local webhook receiver that checks the");
            System.out.println("  Standard Webhooks signature of everything it is sent. Names and numbers are made up.");
            Journey journey = new Journey(api, receivers, new AuditTamper(jdbc, "postgres"), System.out::println, pause);
            List<Narration.Step> steps;
            try {
                steps = journey.play();
            } catch (RuntimeException e) {
                System.out.println("\n  The journey stopped: " + e.getMessage());
                steps = journey.steps();
            }
            long passed = steps.stream().filter(Narration.Step::passed).count();
            System.out.println();
            System.out.println("━━━ The end " + "━".repeat(80));
            System.out.println("  " + passed + " of " + steps.size() + " steps did what they should" + (passed == steps.size() ? "." : ": see ✘ above."));
            printWhereToLook(api, gateway, realm, journey.childId());
            // From here on the receivers print whatever else arrives (try a curl from the README).
            receivers.onDelivery(d -> System.out.println("  ✉ " + Journey.name(d.agency()) + "'s system received '"
                    + d.type() + "' (signature " + (d.verified() ? "verified" : "NOT verified: " + d.why()) + ")"));
            waitWhileGatewayRuns(api);
        }
    }

    /** Returns once the gateway has stopped answering (bin/run stop from another terminal), so the script can end. */
    private static void waitWhileGatewayRuns(Api api) throws InterruptedException {
        int misses = 0;
        while (misses < 3) {
            Thread.sleep(2_000);
            try {
                misses = api.status("/q/health/live") == 200 ? 0 : misses + 1;
            } catch (IllegalStateException e) {
                misses++;
            }
        }
        System.out.println("  The gateway has stopped; the receivers stop too.");
    }

    private static void printWhereToLook(Api api, String gateway, String realm, String childId) {
        // The console sends a visitor without a session to Keycloak's sign-in page (302).
        int consoleStatus = api.status("/console");
        boolean console = consoleStatus == 200 || consoleStatus == 302;
        System.out.println();
        if (console) {
            System.out.println("  Console            " + gateway + "/console  (sign in as one of the users below)");
        } else {
            System.out.println("  Console            not in this build yet; the API is all there is:");
        }
        System.out.println("  OpenAPI UI         " + gateway + "/q/swagger-ui");
        System.out.println("  Referrals          " + gateway + "/api/v1/referrals");
        System.out.println("  Audit (DPO)        " + gateway + "/api/v1/audit/verify, "
                + gateway + "/api/v1/audit/children/" + childId + "/disclosures?format=html");
        System.out.println("  Keycloak           " + realm.replace("/realms/safeguarding", "") + "  (realm 'safeguarding')");
        System.out.println();
        System.out.println("  Users (password dev-password-<username>, dev only):");
        System.out.println("    officer.met, supervisor.met            the Metropolitan Police (practitioner; supervisor)");
        System.out.println("    social.worker, supervisor.towerhamlets Tower Hamlets children's services");
        System.out.println("    dpo.towerhamlets                       Tower Hamlets data protection officer");
        System.out.println("    lead-dpo.towerhamlets                  the partnership's lead DPO (?scope=partnership)");
        System.out.println("    dpo.lancashire                         Lancashire data protection officer");
        System.out.println("    provider.manager                       the children's home SC123456");
        System.out.println("    admin.gateway                          gateway administrator (subscriptions)");
        System.out.println("  Agency systems (client credentials, secret dev-secret-<client>): police-met, police-lancashire,");
        System.out.println("    la-tower-hamlets, la-lancashire, nhs-homerton, nhs-lsc-icb, school-100000, provider-sc123456");
        System.out.println("  e.g. TOKEN=$(bin/keycloak user-token dpo.towerhamlets)");
        System.out.println("       curl -H \"Authorization: Bearer $TOKEN\" -H 'Purpose-Of-Use: DPO-REVIEW' " + gateway + "/api/v1/audit/verify");
        System.out.println();
        System.out.println("  Everything keeps running, and the receivers keep listening. Ctrl-C (or 'bin/run stop') stops it all.");
    }

    private static void pause(String mode, BufferedReader stdin) {
        try {
            if ("enter".equals(mode)) {
                System.out.print("\n  [Enter] for the next step ");
                System.out.flush();
                stdin.readLine();
            } else {
                Thread.sleep((long) (Double.parseDouble(mode) * 1000));
            }
        } catch (java.io.IOException e) {
            // No terminal: carry on without pausing.
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static Map<String, String> options(String[] args) {
        Map<String, String> options = new java.util.HashMap<>();
        for (int i = 0; i + 1 < args.length; i += 2) {
            if (!args[i].startsWith("--")) {
                throw new IllegalArgumentException("usage: DemoMain --gateway URL --realm URL --jdbc URL [--pause enter|SECONDS]");
            }
            options.put(args[i].substring(2), args[i + 1]);
        }
        return options;
    }
}
