import type { VulnerabilityFinding as FindingProjection } from './model.js';
import type { ImageVulnerabilities, VulnerabilityFinding, VulnerabilitySummary } from './graphql-types.js';
import type { ImageReport, VulnerabilitySummary as Summary } from './vulnerability-service.js';

export function toImageVulnerabilities(entry: ImageReport): ImageVulnerabilities {
  const { report } = entry;
  return {
    report,
    image: entry.image,
    registry: report.registry,
    repository: report.repository,
    tag: report.tag,
    digest: report.digest,
    counts: { ...report.counts },
    scannedAt: report.scannedAt === undefined ? null : new Date(report.scannedAt),
  };
}

export function toVulnerabilitySummary(summary: Summary): VulnerabilitySummary {
  return { counts: { ...summary.counts }, images: summary.images.map(toImageVulnerabilities) };
}

export function toFinding(reportUid: string, finding: FindingProjection): VulnerabilityFinding {
  return { ...finding, id: `${reportUid}/${finding.id}/${finding.package}`, advisoryId: finding.id };
}
