import type { LicenseLike } from '../catalog/availability';
import type { RegulatoryFiling, TerritoryRating } from '../catalog/series.entity';
import type { SubtitleCue } from '../media/subtitle-track.entity';

/** Everything a review looks at, gathered once per case. */
export interface ReviewMaterial {
  territories: string[];
  at: Date;
  episode: { id: string; number: number; title: string; synopsis: string; aiElements?: string[] };
  series: { title: string; synopsis: string; filings: RegulatoryFiling[]; maturityRatings: TerritoryRating[] };
  license: (LicenseLike & { aiGeneratedContent: boolean; aiDisclosure?: string | null; aiElements?: string[]; aiLabel?: string | null }) | null;
  media: { path: string; sha256: string; durationSeconds: number; width: number; height: number };
  /** Subtitle tracks, and an AI transcript (`aiTranscript`) of an episode without subtitles in its original language. */
  subtitles: Array<{ language: string; cues: SubtitleCue[]; aiTranscript?: boolean }>;
  /** Titles and synopses in other languages, of the series and of the episode. */
  localizations?: Array<{ of: 'SERIES' | 'EPISODE'; language: string; title: string; synopsis: string }>;
}

/** A finding before it is stored. */
export interface FindingDraft {
  territory: string;
  ruleId: string;
  category: string;
  severity: 'INFO' | 'LOW' | 'MEDIUM' | 'HIGH' | 'BLOCKING';
  source: 'DETERMINISTIC' | 'TEXT_MODERATION' | 'VISUAL_MODERATION' | 'POLICY_MODEL' | 'RULES';
  evidence: Record<string, unknown> & { kind: 'SUBTITLE_CUE' | 'FRAME' | 'METADATA' | 'MEDIA' | 'LICENSE' };
  explanation: string;
  score?: number | null;
}

/** The texts a review reads, each with where it came from (for evidence). */
export interface ReviewText {
  text: string;
  evidence: FindingDraft['evidence'];
}

export function textsOf(material: ReviewMaterial): ReviewText[] {
  const texts: ReviewText[] = [
    { text: material.series.title, evidence: { kind: 'METADATA', field: 'series.title', value: material.series.title } },
    { text: material.episode.title, evidence: { kind: 'METADATA', field: 'episode.title', value: material.episode.title } },
  ];
  if (material.series.synopsis) texts.push({ text: material.series.synopsis, evidence: { kind: 'METADATA', field: 'series.synopsis', value: material.series.synopsis } });
  if (material.episode.synopsis) texts.push({ text: material.episode.synopsis, evidence: { kind: 'METADATA', field: 'episode.synopsis', value: material.episode.synopsis } });
  for (const l of material.localizations ?? []) {
    const field = `${l.of === 'SERIES' ? 'series' : 'episode'}.localizations.${l.language}`;
    texts.push({ text: l.title, evidence: { kind: 'METADATA', field: `${field}.title`, language: l.language, value: l.title } });
    if (l.synopsis) texts.push({ text: l.synopsis, evidence: { kind: 'METADATA', field: `${field}.synopsis`, language: l.language, value: l.synopsis } });
  }
  for (const track of material.subtitles) {
    for (const cue of track.cues) {
      texts.push({ text: cue.text, evidence: { kind: 'SUBTITLE_CUE', language: track.language, cueStart: cue.start, cueEnd: cue.end, text: cue.text, ...(track.aiTranscript ? { aiTranscript: true } : {}) } });
    }
  }
  return texts;
}
