import { ApiKey } from '../modules/api-key/api-key.entity';
import { AuditEvent } from '../modules/audit/audit-event.entity';
import { Session } from '../modules/auth/session.entity';
import { Episode } from '../modules/catalog/episode.entity';
import { SeriesLicense } from '../modules/catalog/license.entity';
import { EpisodePriceTerm } from '../modules/catalog/price-term.entity';
import { Series } from '../modules/catalog/series.entity';
import { Invitation } from '../modules/invitation/invitation.entity';
import { EpisodeUpload } from '../modules/media/episode-upload.entity';
import { MediaRevision } from '../modules/media/media-revision.entity';
import { SubtitleTrack } from '../modules/media/subtitle-track.entity';
import { Membership } from '../modules/membership/membership.entity';
import { Organization } from '../modules/organization/organization.entity';
import { User } from '../modules/user/user.entity';

export const entities = [Organization, User, Membership, Session, ApiKey, Invitation, AuditEvent, Series, Episode, EpisodePriceTerm, SeriesLicense, MediaRevision, EpisodeUpload, SubtitleTrack];
