import { ArgsType, Field, Int, ObjectType, registerEnumType } from 'type-graphql';
import { DateTimeResolver } from 'graphql-scalars';
import { ConnectionArgs, connectionType } from '../../../shared/connection-types.js';
import type { ConnectionValues } from '../../../shared/pagination.js';
import { SEVERITIES, type Severity, type VulnerabilityFinding as FindingProjection, type VulnerabilityReportProjection } from './model.js';

export const SeverityEnum = Object.fromEntries(SEVERITIES.map((severity) => [severity, severity])) as { [K in Severity]: K };
registerEnumType(SeverityEnum, {
  name: 'VulnerabilitySeverity',
  description: 'How bad a finding is, as the scanner rates it (Trivy: from the advisory’s CVSS and the distribution’s rating).',
  valuesConfig: {
    CRITICAL: { description: 'Fix now: remotely exploitable, high impact.' },
    HIGH: { description: 'Fix soon.' },
    MEDIUM: { description: 'Fix in the normal course.' },
    LOW: { description: 'Little risk.' },
    UNKNOWN: { description: 'Not rated yet.' },
  },
});

@ObjectType({ description: 'Findings counted by severity.' })
export class VulnerabilityCounts {
  @Field(() => Int, { description: 'CRITICAL findings.' })
  critical!: number;

  @Field(() => Int, { description: 'HIGH findings.' })
  high!: number;

  @Field(() => Int, { description: 'MEDIUM findings.' })
  medium!: number;

  @Field(() => Int, { description: 'LOW findings.' })
  low!: number;

  @Field(() => Int, { description: 'Findings not rated yet.' })
  unknown!: number;
}

@ObjectType({ description: 'A known vulnerability in a package of an image.' })
export class VulnerabilityFinding {
  @Field({ description: 'Unique in the graph: the report, the advisory and the package (`<report uid>/CVE-2024-3094/liblzma5`); a client cache keys findings by it.' })
  id!: string;

  @Field({ description: 'The advisory: CVE-…, GHSA-…' })
  advisoryId!: string;

  @Field({ description: 'The package it is found in (a distribution package, or a library of the application).' })
  package!: string;

  @Field({ description: 'The version installed in the image.' })
  installedVersion!: string;

  @Field(() => String, { nullable: true, description: 'The versions that fix it; null when no fix is released yet.' })
  fixedVersion!: string | null;

  @Field(() => SeverityEnum, { description: 'How bad it is.' })
  severity!: Severity;

  @Field({ description: 'What it is, in a line.' })
  title!: string;

  @Field(() => String, { nullable: true, description: 'Where to read about it (the advisory’s page).' })
  link!: string | null;
}

export const VulnerabilityFindingConnection = connectionType(VulnerabilityFinding, { name: 'VulnerabilityFinding', noun: 'finding', plural: 'findings' });
export type VulnerabilityFindingConnection = ConnectionValues<VulnerabilityFinding>;

@ArgsType()
export class FindingArgs extends ConnectionArgs {
  @Field(() => [SeverityEnum], { nullable: true, description: 'Only findings of these severities (all when absent).' })
  severity?: Severity[] | null;
}

@ObjectType({
  description:
    'What Trivy Operator found in one image: counts by severity and the findings. Read from its VulnerabilityReports in the cluster; a cluster without Trivy Operator has none.',
})
export class ImageVulnerabilities {
  report!: VulnerabilityReportProjection;

  @Field({ description: 'The image, as the workload (or build run) names it.' })
  image!: string;

  @Field({ description: 'Its registry, as the scanner names it (index.docker.io for Docker Hub).' })
  registry!: string;

  @Field({ description: 'Its repository, e.g. library/nginx.' })
  repository!: string;

  @Field(() => String, { nullable: true, description: 'Its tag; null when the report names none.' })
  tag!: string | null;

  @Field(() => String, { nullable: true, description: 'The digest scanned (sha256:…); null when the report names none.' })
  digest!: string | null;

  @Field(() => VulnerabilityCounts, { description: 'Findings by severity.' })
  counts!: VulnerabilityCounts;

  @Field(() => DateTimeResolver, { nullable: true, description: 'When it was scanned.' })
  scannedAt!: Date | null;
}

@ObjectType({ description: 'The images of several workloads together (an application map): counts summed over its distinct images, and each image.' })
export class VulnerabilitySummary {
  @Field(() => VulnerabilityCounts, { description: 'Findings by severity, summed over its distinct images.' })
  counts!: VulnerabilityCounts;

  @Field(() => [ImageVulnerabilities], { description: 'Each image scanned so far (an image not scanned yet is absent).' })
  images!: ImageVulnerabilities[];
}

export type { FindingProjection };
