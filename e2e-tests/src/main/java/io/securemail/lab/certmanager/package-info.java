/**
 * The stand-in for cert-manager, whose controller cannot run here: its CRDs, a CA issuer, and its
 * controllers' issuance triggers, conditions and Secret format for Certificates.
 */
package io.securemail.lab.certmanager;
