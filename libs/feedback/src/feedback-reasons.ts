/** Why an answer was rated so; a closed set, so the admins' summary can count them. */
export const FEEDBACK_REASONS = ['inaccurate', 'unhelpful', 'incomplete', 'harmful', 'other'] as const;
export type FeedbackReason = (typeof FEEDBACK_REASONS)[number];

export const FEEDBACK_RATINGS = ['up', 'down'] as const;
export type FeedbackRating = (typeof FEEDBACK_RATINGS)[number];

/** Stored as 1 and -1 (message_feedback.rating). */
export const ratingValue = (rating: FeedbackRating): 1 | -1 => (rating === 'up' ? 1 : -1);
export const ratingName = (value: number): FeedbackRating => (value > 0 ? 'up' : 'down');

export const FEEDBACK_COMMENT_MAX_CHARS = 2000;
