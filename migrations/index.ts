import type { MigrationObject } from '@mikro-orm/core';
import { Migration20261121000000_foundation } from './Migration20261121000000_foundation';
import { Migration20261121010000_catalog } from './Migration20261121010000_catalog';
import { Migration20261121020000_media } from './Migration20261121020000_media';
import { Migration20261121030000_review } from './Migration20261121030000_review';
import { Migration20261121040000_moderation } from './Migration20261121040000_moderation';
import { Migration20261121050000_publishing } from './Migration20261121050000_publishing';
import { Migration20261129010000_publication } from './Migration20261129010000_publication';
import { Migration20261129020000_screening } from './Migration20261129020000_screening';
import { Migration20261129040000_material_versions } from './Migration20261129040000_material_versions';
import { Migration20261129030000_episode_lifecycle } from './Migration20261129030000_episode_lifecycle';
import { Migration20261130010000_subtitle_kinds } from './Migration20261130010000_subtitle_kinds';
import { Migration20261130010000_ai_content } from './Migration20261130010000_ai_content';
import { Migration20261130020000_fingerprints } from './Migration20261130020000_fingerprints';
import { Migration20261130030000_fingerprint_rulings } from './Migration20261130030000_fingerprint_rulings';
import { Migration20261130040000_localized_texts } from './Migration20261130040000_localized_texts';
import { Migration20261130045000_license_documents } from './Migration20261130045000_license_documents';
import { Migration20261130050000_fingerprint_windows } from './Migration20261130050000_fingerprint_windows';
import { Migration20261130055000_subtitle_drafts } from './Migration20261130055000_subtitle_drafts';
import { Migration20261130060000_subtitle_translations } from './Migration20261130060000_subtitle_translations';
import { Migration20261130065000_audio_tracks } from './Migration20261130065000_audio_tracks';
import { Migration20261130130000_ai_subtitle_drafts } from './Migration20261130130000_ai_subtitle_drafts';

/** Every migration, in order. The database schema changes only through these. */
export const migrationsList: MigrationObject[] = [
  { name: 'Migration20261121000000_foundation', class: Migration20261121000000_foundation },
  { name: 'Migration20261121010000_catalog', class: Migration20261121010000_catalog },
  { name: 'Migration20261121020000_media', class: Migration20261121020000_media },
  { name: 'Migration20261121030000_review', class: Migration20261121030000_review },
  { name: 'Migration20261121040000_moderation', class: Migration20261121040000_moderation },
  { name: 'Migration20261121050000_publishing', class: Migration20261121050000_publishing },
  { name: 'Migration20261129010000_publication', class: Migration20261129010000_publication },
  { name: 'Migration20261129020000_screening', class: Migration20261129020000_screening },
  { name: 'Migration20261129030000_episode_lifecycle', class: Migration20261129030000_episode_lifecycle },
  { name: 'Migration20261129040000_material_versions', class: Migration20261129040000_material_versions },
  { name: 'Migration20261130010000_subtitle_kinds', class: Migration20261130010000_subtitle_kinds },
  { name: 'Migration20261130010000_ai_content', class: Migration20261130010000_ai_content },
  { name: 'Migration20261130020000_fingerprints', class: Migration20261130020000_fingerprints },
  { name: 'Migration20261130030000_fingerprint_rulings', class: Migration20261130030000_fingerprint_rulings },
  { name: 'Migration20261130040000_localized_texts', class: Migration20261130040000_localized_texts },
  { name: 'Migration20261130045000_license_documents', class: Migration20261130045000_license_documents },
  { name: 'Migration20261130050000_fingerprint_windows', class: Migration20261130050000_fingerprint_windows },
  { name: 'Migration20261130055000_subtitle_drafts', class: Migration20261130055000_subtitle_drafts },
  { name: 'Migration20261130060000_subtitle_translations', class: Migration20261130060000_subtitle_translations },
  { name: 'Migration20261130065000_audio_tracks', class: Migration20261130065000_audio_tracks },
  { name: 'Migration20261130130000_ai_subtitle_drafts', class: Migration20261130130000_ai_subtitle_drafts },
];
