package io.securemail.operator;

import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The package graph reads one way: {@code api} and the shared {@code kube} helpers at the bottom,
 * the observation layer ({@code compliance}) next, the feature packages above them, and the
 * {@code reconciler} that combines them on top. A cycle would mean a feature cannot be read, or
 * changed, without the others.
 */
class PackageDependenciesTest {

  private static JavaClasses classes;

  @BeforeAll
  static void importClasses() {
    classes = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
        .importPackages("io.securemail.operator");
  }

  @Test
  void topLevelPackagesFormNoCycle() {
    slices().matching("io.securemail.operator.(*)..").should().beFreeOfCycles().check(classes);
  }

  @Test
  void sharedHelpersDependOnNoFeature() {
    noClasses().that().resideInAnyPackage("..operator.kube..", "..operator.api..")
        .should().dependOnClassesThat().resideInAnyPackage("..operator.certs..", "..operator.dns..",
            "..operator.mta..", "..operator.mtasts..", "..operator.monitor..", "..operator.reconciler..",
            "..operator.validation..")
        .check(classes);
  }

  @Test
  void theObservationLayerKnowsNoOperatorPart() {
    noClasses().that().resideInAPackage("..operator.compliance..")
        .should().dependOnClassesThat().resideInAnyPackage("..operator.certs..", "..operator.dns..",
            "..operator.mta..", "..operator.mtasts..", "..operator.monitor..", "..operator.reconciler..",
            "..operator.kube..")
        .check(classes);
  }
}
