package uk.safeguarding.profiles;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.context.support.DefaultProfileValidationSupport;
import ca.uhn.fhir.context.support.ValidationSupportContext;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.compressors.gzip.GzipCompressorOutputStream;
import org.hl7.fhir.common.hapi.validation.support.CommonCodeSystemsTerminologyService;
import org.hl7.fhir.common.hapi.validation.support.InMemoryTerminologyServerValidationSupport;
import org.hl7.fhir.common.hapi.validation.support.PrePopulatedValidationSupport;
import org.hl7.fhir.common.hapi.validation.support.SnapshotGeneratingValidationSupport;
import org.hl7.fhir.common.hapi.validation.support.ValidationSupportChain;
import org.hl7.fhir.r4.model.Enumerations.FHIRVersion;
import org.hl7.fhir.r4.model.Enumerations.PublicationStatus;
import org.hl7.fhir.r4.model.ImplementationGuide;
import org.hl7.fhir.r4.model.MetadataResource;
import org.hl7.fhir.r4.model.StructureDefinition;

/**
 * Builds the gateway's FHIR NPM package at build time (HAPI has no package builder): snapshots from
 * HAPI's snapshot generator, then {@code package/package.json}, {@code package/.index.json} and one
 * file per resource, written as a directory (for the gateway to serve each resource) and as
 * {@code package.tgz} (what HAPI's NpmPackageValidationSupport loads).
 *
 * <pre>java uk.safeguarding.profiles.PackageBuilder OUTPUT_DIR VERSION</pre>
 */
public final class PackageBuilder {

    public static final String IG_ID = "safeguarding-gateway";

    private PackageBuilder() {
    }

    public static void main(String[] args) throws IOException {
        Path out = Path.of(args[0]);
        String version = args[1];
        FhirContext fhir = FhirContext.forR4Cached();
        List<MetadataResource> resources = withSnapshots(fhir, Profiles.all(version));
        resources.add(implementationGuide(version, resources));
        Path dir = out.resolve("package");
        Files.createDirectories(dir);
        try (Stream<Path> old = Files.list(dir)) {
            for (Path p : old.toList()) {
                Files.delete(p);
            }
        }
        StringBuilder index = new StringBuilder("{\"index-version\": 1, \"files\": [");
        for (int i = 0; i < resources.size(); i++) {
            MetadataResource r = resources.get(i);
            String type = r.fhirType();
            String id = r.getIdElement().getIdPart();
            String file = type + "-" + id + ".json";
            Files.writeString(dir.resolve(file), fhir.newJsonParser().setPrettyPrint(true).encodeResourceToString(r));
            index.append(i == 0 ? "" : ",").append("\n  {\"filename\": \"").append(file).append("\", \"resourceType\": \"")
                    .append(type).append("\", \"id\": \"").append(id).append("\", \"url\": \"").append(r.getUrl())
                    .append("\", \"version\": \"").append(version).append('"');
            if (r instanceof StructureDefinition sd) {
                index.append(", \"kind\": \"").append(sd.getKind().toCode()).append("\", \"type\": \"").append(sd.getType())
                        .append('"');
            }
            index.append('}');
        }
        Files.writeString(dir.resolve(".index.json"), index.append("\n]}\n").toString());
        Files.writeString(dir.resolve("package.json"), """
                {
                  "name": "%s",
                  "version": "%s",
                  "description": "FHIR R4 profiles of the safeguarding information-sharing gateway: the referral ServiceRequest, the child Patient, their extensions, CodeSystems and ValueSets",
                  "canonical": "%s",
                  "url": "%sImplementationGuide/%s",
                  "fhirVersions": ["4.0.1"],
                  "type": "fhir.ig",
                  "license": "UNLICENSED",
                  "dependencies": {"hl7.fhir.r4.core": "4.0.1"}
                }
                """.formatted(Profiles.PACKAGE_ID, version, Profiles.BASE.substring(0, Profiles.BASE.length() - 1),
                Profiles.BASE, IG_ID));
        writeTgz(dir, out.resolve("package.tgz"));
        System.out.printf("FHIR package %s#%s: %d resources in %s%n", Profiles.PACKAGE_ID, version, resources.size(), out);
    }

    /** Snapshots for every StructureDefinition, extensions first so the profiles that use them see theirs. */
    static List<MetadataResource> withSnapshots(FhirContext fhir, List<MetadataResource> resources) {
        PrePopulatedValidationSupport ours = new PrePopulatedValidationSupport(fhir);
        resources.forEach(ours::addResource);
        ValidationSupportChain chain = new ValidationSupportChain(new DefaultProfileValidationSupport(fhir), ours,
                new InMemoryTerminologyServerValidationSupport(fhir), new CommonCodeSystemsTerminologyService(fhir),
                new SnapshotGeneratingValidationSupport(fhir));
        List<MetadataResource> out = new ArrayList<>();
        for (MetadataResource r : resources) {
            if (r instanceof StructureDefinition sd) {
                StructureDefinition snapshot = (StructureDefinition) chain.generateSnapshot(new ValidationSupportContext(chain),
                        sd, sd.getUrl(), Profiles.BASE, sd.getName());
                if (snapshot == null || !snapshot.hasSnapshot() || snapshot.getSnapshot().getElement().isEmpty()) {
                    throw new IllegalStateException("No snapshot for " + sd.getUrl());
                }
                ours.addStructureDefinition(snapshot);
                out.add(snapshot);
            } else {
                out.add(r);
            }
        }
        return out;
    }

    private static ImplementationGuide implementationGuide(String version, List<MetadataResource> resources) {
        ImplementationGuide ig = new ImplementationGuide();
        ig.setId(IG_ID);
        ig.setUrl(Profiles.BASE + "ImplementationGuide/" + IG_ID).setVersion(version).setName("SafeguardingGateway")
                .setTitle("Safeguarding information-sharing gateway").setStatus(PublicationStatus.ACTIVE)
                .setPackageId(Profiles.PACKAGE_ID).addFhirVersion(FHIRVersion._4_0_1);
        ig.addDependsOn().setUri("http://hl7.org/fhir/ImplementationGuide/hl7.fhir.r4.core").setPackageId("hl7.fhir.r4.core")
                .setVersion("4.0.1");
        for (MetadataResource r : resources) {
            ig.getDefinition().addResource().getReference().setReference(r.fhirType() + "/" + r.getIdElement().getIdPart());
        }
        return ig;
    }

    private static void writeTgz(Path dir, Path tgz) throws IOException {
        try (OutputStream file = Files.newOutputStream(tgz);
                GzipCompressorOutputStream gzip = new GzipCompressorOutputStream(file);
                TarArchiveOutputStream tar = new TarArchiveOutputStream(gzip, StandardCharsets.UTF_8.name())) {
            tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
            List<Path> files;
            try (Stream<Path> list = Files.list(dir)) {
                files = list.sorted().toList();
            }
            for (Path p : files) {
                TarArchiveEntry entry = new TarArchiveEntry("package/" + p.getFileName());
                byte[] bytes = Files.readAllBytes(p);
                entry.setSize(bytes.length);
                entry.setModTime(0);
                tar.putArchiveEntry(entry);
                tar.write(bytes);
                tar.closeArchiveEntry();
            }
        }
    }
}
