import { z } from 'zod';
import { ERROR_CODES } from '../../core/errors';
import { LIVENESS_ACTIONS } from '../../core/liveness/actions';
import { FRAME_LIMITS } from '../../core/liveness/judge';
import { LIVENESS_PURPOSES } from '../liveness/challenge-token';
import type { LivenessUpload } from '../liveness';
import { file, files, text, textOrNumber } from './body';

/**
 * One schema per request and per response of the HTTP API. Each gives the runtime validation (requests),
 * the TypeScript type (`z.output`/`z.input`) and, through ./openapi.ts, the OpenAPI document. A schema with
 * an `id` becomes a named component of that document.
 */

// --- shared pieces ---

export const ErrorCode = z.enum(ERROR_CODES);

export const Box = z
	.array(z.number().int())
	.length(4)
	.meta({ id: 'Box', description: '[x, y, width, height] in pixels of the uploaded image.' });

export const Rejected = z
	.object({
		file: z.string(),
		code: z
			.string()
			.describe('The error code the photo alone would have got (NO_FACE, MULTIPLE_FACES, BAD_IMAGE, …).'),
		reason: z.string()
	})
	.meta({ id: 'Rejected', description: 'A photo that was not used, and why.' });

export const LivenessAction = z.enum(LIVENESS_ACTIONS);

export const LivenessPassed = z
	.object({
		passed: z.literal(true),
		actions: z.array(LivenessAction),
		frames: z.number().int().describe('Frames in which the face was tracked.')
	})
	.meta({
		id: 'LivenessPassed',
		description: 'Present when the answer came from a passed liveness challenge.'
	});

export const OperatingPoint = z
	.object({
		threshold: z.number(),
		margin: z.number(),
		false_positive_target: z
			.number()
			.nullable()
			.describe(
				'Recognition: strangers named at most this often. Login: stranger attempts let in at most this often. Null for uncalibrated embedders.'
			),
		at_gallery_size: z
			.number()
			.int()
			.nullable()
			.describe('People (recognition) or users (login) the target holds for.'),
		calibrated: z.boolean()
	})
	.meta({
		id: 'OperatingPoint',
		description:
			'What a 1:N answer promises: the threshold and margin it was judged by, and the false-positive rate they were calibrated for at a gallery of this size (src/lib/core/calibration/CALIBRATION.md).'
	});

/** The one error shape: `{"error": {"code", "message", ...}}`, with the extra fields some codes carry. */
export const ErrorBody = z
	.object({
		error: z.object({
			code: ErrorCode,
			message: z.string(),
			rejected: z.array(Rejected).optional().describe('With NOT_ENOUGH_DATA: why each photo was refused.'),
			issues: z
				.array(z.string())
				.optional()
				.describe('With LOW_QUALITY: the quality limits the face missed.'),
			liveness: z
				.object({
					passed: z.literal(false),
					failure: z.string(),
					step: z.number().int().nullable().optional(),
					action: z.string().nullable().optional()
				})
				.optional()
				.describe(
					'With LIVENESS_FAILED: why (invalid_challenge, expired, reused, bad_frames, no_face, two_faces, face_changed, too_slow, wrong_direction, identity_changed) and at which step.'
				)
		})
	})
	.meta({
		id: 'Error',
		description: 'Every error. No stack trace or internal detail ever reaches a client.'
	});

// --- requests ---

/** A face-login user id: a positive integer (the seed's ids are numbers). */
const userId = z
	.string()
	.meta({ pattern: '^[1-9][0-9]*$' })
	.transform((raw, ctx) => {
		const id = Number(raw);
		if (/^\d+$/.test(raw) && Number.isSafeInteger(id) && id > 0) return id;
		ctx.addIssue({ code: 'custom', message: `'${raw}' is not a user id.` });
		return z.NEVER;
	});

export const PersonIdParams = z.object({ id: z.string().describe("The person's id.") });
export const UserIdParams = z.object({ id: userId.describe("The user's numeric id.") });

/** Where a single photo goes; JPEG, PNG or WebP (read from the bytes, not the name). */
const photoNote =
	'JPEG, PNG or WebP (the format is read from the bytes); at most MAX_CONTENT_MB (default 2) MB.';

/** Seed 002/004 registration: a name and photos; `person_id` adds photos to an existing person. */
export const RegisterForm = z.object({
	name: text({ max: 100 }).describe('Display name; a taken name (any case) is a 409.'),
	person_id: text({ max: 64 })
		.optional()
		.describe('Add the photos to this existing person instead of creating one.'),
	images: files({ max: 10 }).describe(`One to ten photos, each of one person. ${photoNote}`)
});

export const ProcessImagesForm = z.object({
	id: text({ max: 64 }).describe("The caller's own id for the person (e.g. a student number)."),
	name: text({ max: 100 }).optional().describe('Display name; the id when absent.'),
	images: files({ max: 10 }).describe(`One to ten photos. ${photoNote}`)
});

export const FrameForm = z.object({ image: file().describe(`One camera frame. ${photoNote}`) });

/** `frame_times`: a JSON array (or comma list) of capture times in ms, one per frame. */
const frameTimes = text({ max: 16_000 })
	.describe(
		'JSON array of capture times in ms since the capture started, one per frame, increasing, gaps of at most 700 ms; the span may not exceed the time since the challenge was issued.'
	)
	.meta({ example: '[0,100,200]' });

function parseTimes(raw: string): number[] | null {
	try {
		const times: unknown = JSON.parse(raw.startsWith('[') ? raw : `[${raw}]`);
		if (Array.isArray(times) && times.every((t) => typeof t === 'number' && Number.isFinite(t))) return times;
	} catch {
		// not JSON: refused below
	}
	return null;
}

const livenessFields = {
	challenge: text({ max: 2048 })
		.optional()
		.describe(
			'The signed challenge from POST /liveness/challenge (or send it in the X-Liveness-Challenge header). Single use; expires after LIVENESS_TTL seconds (default 40).'
		),
	frames: files({ max: FRAME_LIMITS.maxFrames })
		.optional()
		.describe(
			`The frames captured while the user followed the challenge (about 10 a second, at most ${FRAME_LIMITS.maxFrames}), in capture order; each at most MAX_CONTENT_MB, the request at most LIVENESS_MAX_MB (default 8).`
		),
	frame_times: frameTimes.optional()
};

type Upload = z.output<ReturnType<typeof file>>;
export type Evidence = { kind: 'liveness'; upload: LivenessUpload } | { kind: 'photo'; uploads: Upload[] };

/**
 * A form that carries either photos (`photoField`, or the seed's Spanish alias) or the frames of a liveness
 * challenge. Documented as one object with a `oneOf` of the two sets of required fields.
 */
function photoOrFrames(
	photoField: string,
	alias: string | null,
	multiple: boolean,
	photoDescription: string
) {
	const photo = (multiple ? files({ max: 10 }) : file()).optional();
	const fields: Record<string, z.ZodType> = {
		...livenessFields,
		[photoField]: photo.describe(photoDescription)
	};
	if (alias) fields[alias] = photo.describe(`The seed's name for \`${photoField}\`.`);
	return z
		.object(fields)
		.superRefine((raw, ctx) => {
			const form = raw as Record<string, unknown>;
			const frames = form.frames as unknown[] | undefined;
			if (!form.challenge) {
				if (frames)
					ctx.addIssue({
						code: 'custom',
						path: ['frames'],
						message: "Frames need the 'challenge' they answer."
					});
				else if (!form[photoField] && !(alias && form[alias]))
					ctx.addIssue({
						code: 'custom',
						path: [photoField],
						message: `Missing file field '${photoField}' (multipart/form-data).`
					});
				return;
			}
			if (!frames) {
				ctx.addIssue({
					code: 'custom',
					path: ['frames'],
					message: "Missing file field 'frames' (multipart/form-data)."
				});
				return;
			}
			const times = typeof form.frame_times === 'string' ? parseTimes(form.frame_times) : null;
			if (!form.frame_times)
				ctx.addIssue({ code: 'custom', path: ['frame_times'], message: "Missing field 'frame_times'." });
			else if (!times || times.length !== frames.length)
				ctx.addIssue({
					code: 'custom',
					path: ['frame_times'],
					message: `'frame_times' must list one capture time (ms) per frame: ${frames.length} numbers.`
				});
		})
		.transform((raw): Evidence => {
			const form = raw as Record<string, unknown>;
			if (form.challenge) {
				const frames = form.frames as Upload[];
				const times = parseTimes(form.frame_times as string)!;
				return { kind: 'liveness', upload: { challenge: form.challenge as string, frames, times } };
			}
			const photos = (form[photoField] ?? (alias ? form[alias] : undefined)) as Upload | Upload[];
			return { kind: 'photo', uploads: Array.isArray(photos) ? photos : [photos] };
		})
		.meta({
			oneOf: [
				{ required: [photoField], title: multiple ? 'photos' : 'one photo' },
				...(alias
					? [{ required: [alias], title: `${multiple ? 'photos' : 'one photo'} (seed field name)` }]
					: []),
				{ required: ['challenge', 'frames', 'frame_times'], title: 'the frames of a liveness challenge' }
			]
		});
}

export const VerifyForm = photoOrFrames('image', null, false, `One photo. ${photoNote}`);
export const LoginForm = photoOrFrames(
	'image',
	'imagen',
	false,
	`One photo (only where LOGIN_LIVENESS is optional or off). ${photoNote}`
);
export const EnrolForm = photoOrFrames(
	'images',
	'imagenes',
	true,
	`Three to ten photos, each showing exactly one usable face. ${photoNote}`
);

export const UserFields = z
	.object({
		nombre: textOrNumber().optional().describe('Full name, at most 100 characters (spaces folded).'),
		correo: textOrNumber().optional().describe('E-mail address, at most 254 characters.')
	})
	.meta({ id: 'UserFields', description: 'Sent as a form (multipart or urlencoded) or as a JSON object.' });

const purpose = z.preprocess(
	(value) => (value === '' || value === null ? undefined : value),
	z.enum(LIVENESS_PURPOSES).optional()
);
export const ChallengeQuery = z.object({
	purpose: purpose.describe('What the challenge is for (login when absent); or send it in a JSON body.')
});
export const ChallengeBody = z.object({
	purpose: purpose.describe('What the challenge is for: login (default), verify or enrol.')
});

// --- responses ---

export const ApiIndex = z
	.object({
		name: z.string(),
		version: z.string(),
		description: z.string(),
		endpoints: z.record(z.string(), z.string())
	})
	.meta({ id: 'ApiIndex' });

export const Health = z
	.union([
		z.object({
			status: z.literal('ok'),
			model_version: z.string(),
			embedder: z.string(),
			backend: z.string()
		}),
		z.object({
			status: z.literal('unhealthy'),
			reason: z.string(),
			embedder: z.string().optional(),
			backend: z.string().optional()
		})
	])
	.meta({ id: 'Health' });

export const Verification = z
	.object({
		model_version: z.string(),
		is_me: z.boolean(),
		score: z.number().optional().describe('Left out for anonymous callers (PUBLIC_SCOPES=verify).'),
		threshold: z
			.number()
			.min(0)
			.max(1)
			.describe('Cosine (template models) or probability (logistic models).'),
		far_estimate: z
			.number()
			.nullable()
			.describe(
				"False-accept rate the threshold was calibrated for (template models) or measured at on validation 'not me' photos (logistic models); null when unknown."
			),
		mode: z.enum(['template', 'logistic']),
		timing_ms: z.number(),
		box: Box,
		faces_count: z.number().int().min(1),
		liveness: LivenessPassed.optional()
	})
	.meta({ id: 'Verification', description: 'The decision for the main face.' });

export const RegisterResult = z
	.object({
		person_id: z.string(),
		name: z.string(),
		created: z.boolean().describe('false when the photos were added to an existing person (person_id).'),
		faces_used: z.number().int().describe('Embeddings stored by this request.'),
		rejected: z.array(Rejected)
	})
	.meta({ id: 'RegisterResult' });

export const ProcessImagesResult = z
	.object({
		status: z.literal('ok'),
		id: z.string(),
		embeddings: z.number().int().describe('Embeddings now stored for this person (current embedder).'),
		faces_used: z.number().int(),
		rejected: z.array(Rejected)
	})
	.meta({ id: 'ProcessImagesResult' });

export const FrameResult = z
	.object({
		recognized_faces: z.array(
			z.object({
				person_id: z.string(),
				name: z.string(),
				confidence: z
					.number()
					.optional()
					.describe('Left out for anonymous callers (PUBLIC_SCOPES=recognize).'),
				box: Box
			})
		),
		unknown_faces: z
			.array(z.object({ box: Box }))
			.describe(
				'Faces below the threshold, too close to a second person, or a second claim on a person already named in this frame.'
			),
		operating_point: OperatingPoint,
		timing_ms: z.number()
	})
	.meta({ id: 'FrameResult' });

export const Person = z
	.object({
		person_id: z.string(),
		name: z.string(),
		embeddings: z
			.number()
			.int()
			.describe('Embeddings from the current embedder: the ones used for matching.'),
		other_model_embeddings: z
			.number()
			.int()
			.describe(
				'Embeddings from another embedder or version: kept, never compared. Register again to refresh.'
			),
		created_at: z.string(),
		updated_at: z.string()
	})
	.meta({ id: 'Person' });

export const PeopleList = z
	.object({ embedder: z.string(), embedder_version: z.string(), people: z.array(Person) })
	.meta({ id: 'PeopleList' });

export const PersonDeleted = z
	.object({ deleted: z.literal(true), person_id: z.string(), embeddings_removed: z.number().int() })
	.meta({ id: 'PersonDeleted' });

export const User = z
	.object({ id: z.number().int(), nombre: z.string(), correo: z.string() })
	.meta({ id: 'User' });

export const EnrolmentGrant = z
	.object({
		enrolment_token: z
			.string()
			.describe('Single use: lets photos be enrolled for this user (POST /registro-imagenes/{id}).'),
		enrolment_expires_in: z.number().int().describe('Seconds (ENROLMENT_TTL, default 900).')
	})
	.meta({ id: 'EnrolmentGrant' });

export const CreatedUser = User.extend(EnrolmentGrant.shape).meta({
	id: 'CreatedUser',
	description:
		'A taken e-mail gets the same answer with an id and token that lead nowhere (so strangers cannot test which e-mails are registered); an operator gets the honest 409.'
});

export const EnrolResult = z
	.object({
		id: z.number().int(),
		faces_used: z.number().int().min(3),
		rejected: z.array(Rejected),
		liveness: LivenessPassed.optional()
	})
	.meta({ id: 'EnrolResult' });

export const LoginResult = z
	.object({
		token: z
			.string()
			.describe('JWT, HS256, issuer me-verifier, audience me-verifier:face-login, subject = user id.'),
		token_type: z.literal('Bearer'),
		expires_in: z.number().int().describe('Seconds (JWT_TTL, default 900).'),
		user: User,
		confidence: z.number(),
		operating_point: OperatingPoint,
		liveness: LivenessPassed.optional()
	})
	.meta({ id: 'LoginResult' });

export const ProfileResult = z.object({ user: User }).meta({ id: 'ProfileResult' });
export const LoggedOut = z.object({ logged_out: z.literal(true) }).meta({ id: 'LoggedOut' });
export const UserDeleted = z
	.object({ deleted: z.literal(true), id: z.number().int() })
	.meta({ id: 'UserDeleted' });

export const LivenessChallenge = z
	.object({
		challenge: z.string().describe('Signed, opaque; send it back with the frames.'),
		nonce: z.string(),
		actions: z
			.array(LivenessAction)
			.describe(
				"In order; directions are the user's own (turn_left: to their left). Login and verify: 3 actions, at least one head movement and one blink or open mouth (when LIVENESS_ACTIONS allows both). Enrol: every allowed head movement in a random order, plus one blink or open mouth."
			),
		step_ms: z
			.number()
			.int()
			.describe(
				'Each action must be seen done within this long after the previous one (the first, after the first frame).'
			),
		issued_at: z.number().int().describe('Epoch ms.'),
		expires_at: z.number().int().describe('Epoch ms; frames arriving later are refused.')
	})
	.meta({ id: 'LivenessChallenge' });

/** The OpenAPI document itself is described loosely: an object. */
export const OpenApiDocument = z.record(z.string(), z.unknown()).meta({ id: 'OpenApiDocument' });
