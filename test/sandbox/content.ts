/**
 * The fixed part of the sandbox's world: accounts, agents (with FAQs) and the conversation scenarios
 * the seeded generator draws from. Everything random (who called, when, keys) comes from the seed.
 */
import type { AccountName, AgentDetail, Channel } from './types';

export interface AccountSeed {
	user_id: number;
	email: string;
}

export const ACCOUNTS: Record<AccountName, AccountSeed> = {
	A: { user_id: 142, email: 'you@example.com' },
	B: { user_id: 207, email: 'frontdesk@northside-vet.example' },
};

export type BusinessKind = 'plumbing' | 'dental' | 'law' | 'hvac' | 'vet' | 'auto';

export interface AgentSeed {
	account: AccountName;
	kind: BusinessKind;
	/** Relative share of the account's conversations. */
	weight: number;
	/** Conversations only before this fraction of the seeded time span (a suspended agent went quiet). */
	activeUntil?: number;
	agent: Omit<AgentDetail, 'faq'> & { faq: Array<[string, string]> };
}

const NO_SMS = { sms_enabled: false, sms_url: null, sms_purpose: null };
const smsBooking = (sms_url: string) => ({ sms_enabled: true, sms_url, sms_purpose: 'booking' });
const features = (
	web_chat_enabled: boolean,
	live_context_enabled = false,
	webhook_url: string | null = null,
) => ({
	web_chat_enabled,
	live_context_enabled,
	webhook_enabled: webhook_url !== null,
	webhook_url,
});

export const AGENT_SEEDS: AgentSeed[] = [
	{
		account: 'A',
		kind: 'plumbing',
		weight: 4,
		agent: {
			id: 7,
			phone_number: '+15551234567',
			subscription_type: 'growth',
			agent_name: 'Ava',
			voice: 'friendly',
			greeting_message: 'Thanks for calling Acme — how can I help?',
			agent_goal: 'Qualify leads and book consultations.',
			business_name: 'Acme Plumbing',
			business_website: 'https://acme.com',
			business_services: 'Emergency plumbing, water heaters, drain cleaning.',
			faq: [
				['Do you offer emergency service?', 'Yes, 24/7.'],
				['Do you give free estimates?', 'Yes, on every job.'],
				['What areas do you serve?', 'Springfield, Shelbyville and everything within 25 miles.'],
				['Are you licensed and insured?', 'Yes. License #PL-48213, fully insured.'],
				['Do you charge a trip fee?', 'A $59 trip fee, waived if you book the repair.'],
			],
			appointment_booking: smsBooking('https://book.acme.com'),
			features: features(true),
			is_suspended: false,
			created_at: '2026-01-12T09:30:00Z',
		},
	},
	{
		account: 'A',
		kind: 'dental',
		weight: 3,
		agent: {
			id: 8,
			phone_number: '+15552220198',
			subscription_type: 'pro',
			agent_name: 'Max',
			voice: 'calm',
			greeting_message: 'Bright Smile Dental, this is Max. How can I help you today?',
			agent_goal:
				'Book new-patient visits, answer insurance questions and route dental emergencies.',
			business_name: 'Bright Smile Dental',
			business_website: 'https://brightsmile.example',
			business_services:
				'General and family dentistry, cleanings, fillings, crowns, whitening, Invisalign, emergency visits.',
			faq: [
				['Are you accepting new patients?', 'Yes, adults and children from age 3.'],
				['What are your hours?', 'Monday to Friday 8am–5pm, Saturday 9am–1pm.'],
				['Do you take Delta Dental?', 'Yes, we are in network with Delta Dental PPO.'],
				['How much is a cleaning without insurance?', '$129 for a cleaning and exam, X-rays $65.'],
				['Do you see emergencies?', 'Yes, we keep same-day slots for dental emergencies.'],
				['Is parking available?', 'Free parking behind the building.'],
			],
			appointment_booking: smsBooking('https://brightsmile.example/book'),
			features: features(true, true, 'https://hooks.brightsmile.example/ringready'),
			is_suspended: false,
			created_at: '2026-02-03T15:12:00Z',
		},
	},
	{
		account: 'A',
		kind: 'law',
		weight: 2,
		agent: {
			id: 9,
			phone_number: '+15553380144',
			subscription_type: 'growth',
			agent_name: 'Olivia',
			voice: 'professional',
			greeting_message: 'Harper & Lee Law, this is Olivia. How may I help you?',
			agent_goal: 'Screen new matters, collect contact details and schedule paid consultations.',
			business_name: 'Harper & Lee Law',
			business_website: 'https://harperlee.law',
			business_services:
				'Family law, estate planning, wills and trusts, landlord–tenant disputes, small business.',
			faq: [
				[
					'How much is a consultation?',
					'A 30-minute consultation is $150, credited toward your retainer.',
				],
				['Do you handle criminal cases?', 'No, we refer criminal matters to trusted colleagues.'],
				['Can I meet over video?', 'Yes, consultations can be in person or over Zoom.'],
				['Where is your office?', '400 Main Street, Suite 210, Springfield.'],
			],
			appointment_booking: NO_SMS,
			features: features(false),
			is_suspended: false,
			created_at: '2026-02-20T11:45:00Z',
		},
	},
	{
		account: 'A',
		kind: 'hvac',
		weight: 1,
		activeUntil: 0.5,
		agent: {
			id: 10,
			phone_number: '+15554410172',
			subscription_type: 'starter',
			agent_name: 'Leo',
			voice: 'warm',
			greeting_message: 'Harbor Heating & Air, Leo speaking. What can I do for you?',
			agent_goal: 'Book repair visits and sell maintenance plans.',
			business_name: 'Harbor Heating & Air',
			business_website: 'https://harborhvac.example',
			business_services: 'Furnace and AC repair, heat pumps, duct cleaning, maintenance plans.',
			faq: [
				['Do you service all brands?', 'Yes, all major furnace and AC brands.'],
				[
					'What does the maintenance plan include?',
					'Two tune-ups a year and 15% off repairs, $189/year.',
				],
				['Do you offer financing?', 'Yes, 0% for 12 months on new systems, subject to approval.'],
			],
			appointment_booking: NO_SMS,
			features: features(false),
			is_suspended: true,
			created_at: '2026-01-28T08:05:00Z',
		},
	},
	{
		account: 'B',
		kind: 'vet',
		weight: 2,
		agent: {
			id: 21,
			phone_number: '+15557730111',
			subscription_type: 'growth',
			agent_name: 'Ruby',
			voice: 'friendly',
			greeting_message: 'Northside Veterinary Clinic, Ruby speaking. How can we help your pet?',
			agent_goal: 'Book appointments, handle refill requests and route pet emergencies.',
			business_name: 'Northside Veterinary Clinic',
			business_website: 'https://northside-vet.example',
			business_services:
				'Wellness exams, vaccines, dental care, surgery, boarding for cats and dogs.',
			faq: [
				[
					'Do you see exotic pets?',
					'Only rabbits and guinea pigs; for reptiles and birds we refer out.',
				],
				['What vaccines does my puppy need?', 'DHPP at 8, 12 and 16 weeks, rabies at 16 weeks.'],
				['Are you open on weekends?', 'Saturdays 9am–2pm; closed Sundays.'],
			],
			appointment_booking: smsBooking('https://northside-vet.example/book'),
			features: features(true),
			is_suspended: false,
			created_at: '2026-03-02T10:00:00Z',
		},
	},
	{
		account: 'B',
		kind: 'auto',
		weight: 1,
		agent: {
			id: 22,
			phone_number: '+15557730199',
			subscription_type: 'starter',
			agent_name: 'Jack',
			voice: 'upbeat',
			greeting_message: 'Summit Auto Repair, this is Jack. What can we fix for you?',
			agent_goal: 'Book repair appointments and answer status questions.',
			business_name: 'Summit Auto Repair',
			business_website: 'https://summitauto.example',
			business_services: 'Brakes, diagnostics, oil changes, tires, state inspections.',
			faq: [
				['How long does an oil change take?', 'About 30 minutes; walk-ins welcome before 3pm.'],
				['Do you do state inspections?', 'Yes, $35, no appointment needed.'],
			],
			appointment_booking: NO_SMS,
			features: features(false),
			is_suspended: false,
			created_at: '2026-03-15T13:20:00Z',
		},
	},
];

// ---------------------------------------------------------------------------------------------
// Conversation scenarios. Templates use {name} placeholders: {agent}, {business}, {caller}, {full},
// {day}, {time}, {address} and the scenario's own `vars`.

export interface Scenario {
	label: string;
	weight: number;
	/** Channels it happens on (default both; web chat only where the agent has it). */
	channels?: Channel[];
	vars?: Record<string, string[]>;
	/** What the caller says, then the agent, in turn (after the agent's greeting). */
	turns: string[];
	summary: string;
	/** Seconds. */
	duration: [number, number];
	endReasons?: { phone?: string[]; web_chat?: string[] };
	/** A call with no caller details (hang-ups, robocalls). */
	anonymous?: boolean;
	/** No recording, and an empty transcript. */
	silent?: boolean;
}

const SCENARIOS: Record<BusinessKind, Scenario[]> = {
	plumbing: [
		{
			label: 'Emergency Repair',
			weight: 4,
			vars: {
				problem: [
					'a pipe burst under the kitchen sink',
					'the water heater is leaking all over the garage',
					'the basement floor drain is backing up',
					'water is coming through the ceiling under the upstairs bathroom',
					'the main line to the street seems to be clogged',
				],
			},
			turns: [
				'Hi, {problem}. Can someone come out today?',
				"I'm sorry to hear that. We offer 24/7 emergency service. Can I get your name and the address?",
				"It's {full}, {address}.",
				'Thank you, {caller}. Have you been able to shut off the main water valve?',
				'Yes, I turned it off about ten minutes ago.',
				"Good. I've flagged this as urgent. A technician will call you back within 15 minutes with an arrival time.",
				'Great, thank you so much.',
			],
			summary:
				'{full} reported that {problem} at {address} and asked for same-day service. Flagged as urgent for a technician callback.',
			duration: [95, 300],
		},
		{
			label: 'Quote Request',
			weight: 3,
			vars: {
				job: [
					'replacing a 50-gallon water heater',
					'repiping an older house',
					'installing a new kitchen faucet',
					'a sewer line camera inspection',
				],
			},
			turns: [
				"Hello, I'd like a quote for {job}.",
				'Happy to help. We give free estimates on every job. Is this for a home or a business?',
				"It's my home, at {address}.",
				'Got it. What days work best for an estimator to stop by?',
				'{day} morning would be ideal.',
				"I'll text you a booking link for {day} morning. Anything else I can help with?",
				"No, that's it. Thanks.",
			],
			summary:
				'{full} asked for a free estimate for {job} at {address}; prefers {day} morning. Booking link sent by SMS.',
			duration: [80, 240],
		},
		{
			label: 'Appointment Request',
			weight: 3,
			vars: {
				job: [
					'drain cleaning',
					'a leaking toilet',
					'a garbage disposal that hums but does not spin',
					'low water pressure in the shower',
				],
			},
			turns: [
				'Hi, can I book someone for {job}?',
				'Of course. What day works for you?',
				'{day}, ideally around {time}.',
				'We have a technician available {day} at {time}. Can I confirm your name and address?',
				'{full}, {address}.',
				"You're booked for {day} at {time}. You'll get a confirmation text shortly.",
			],
			summary: '{full} booked a visit for {job} on {day} at {time} at {address}.',
			duration: [70, 200],
		},
		{
			label: 'Callback Requested',
			weight: 2,
			vars: {
				question: [
					'Do you install tankless water heaters?',
					'Do you do backflow testing for commercial buildings?',
					'Can you work with my home warranty company?',
					'Do you offer senior discounts?',
					'Do you install water softeners?',
				],
			},
			turns: [
				'{question}',
				"I'm not sure about that. Let me have someone from the team call you back with an answer.",
				'Okay. My name is {full}.',
				'Thanks, {caller}. Someone will get back to you today.',
			],
			summary: '{full} asked: "{question}" The agent could not answer and promised a callback.',
			duration: [40, 120],
		},
	],
	dental: [
		{
			label: 'New Patient',
			weight: 4,
			vars: {
				reason: [
					'a cleaning and checkup',
					'a consultation about whitening',
					'an Invisalign consultation',
					'a checkup for my two kids',
				],
			},
			turns: [
				"Hi, I'm new to the area and I'd like to book {reason}.",
				'Welcome! We are accepting new patients. Do you have dental insurance?',
				'Yes, Delta Dental through my employer.',
				'Great, we are in network with Delta Dental PPO. Would {day} at {time} work?',
				'That works. My name is {full}.',
				"Perfect, {caller}. I'll text you the new-patient forms and a confirmation.",
			],
			summary:
				'New patient {full} booked {reason} for {day} at {time}; has Delta Dental PPO. Forms sent by SMS.',
			duration: [90, 260],
		},
		{
			label: 'Insurance Question',
			weight: 2,
			vars: {
				insurer: ['Cigna DHMO', 'MetLife', 'Guardian', 'Humana Dental', 'Medicaid'],
			},
			turns: [
				'Do you take {insurer}?',
				"I know we're in network with Delta Dental PPO, but I'm not certain about {insurer}. I'll ask our billing team to call you.",
				'Okay, please do. This is {full}.',
				'Thank you, {caller}. Expect a call within one business day.',
			],
			summary:
				'{full} asked whether the practice accepts {insurer}. The agent did not know and requested a billing callback.',
			duration: [35, 110],
		},
		{
			label: 'Dental Emergency',
			weight: 2,
			vars: {
				issue: [
					'a cracked molar',
					'a lost filling',
					'a bad toothache since last night',
					'a swollen jaw',
				],
			},
			turns: [
				'Hi, I have {issue} and it really hurts. Can I be seen today?',
				"I'm sorry you're in pain. We keep same-day slots for emergencies. Can you come in at {time}?",
				'Yes, I can.',
				'Great. May I have your name and date of birth?',
				'{full}, March 4th, 1988.',
				"You're booked for today at {time}, {caller}. If the swelling gets worse, go to urgent care.",
			],
			summary:
				'{full} called with {issue} and was booked into a same-day emergency slot at {time}.',
			duration: [70, 180],
		},
		{
			label: 'Reschedule',
			weight: 2,
			turns: [
				'I need to move my appointment on {day}.',
				'No problem. Can I have your name?',
				'{full}.',
				'I see your appointment. Would the following week, same time, work?',
				'Yes, that works.',
				"Done. You'll get an updated confirmation by text.",
			],
			summary: '{full} moved their {day} appointment to the following week.',
			duration: [50, 140],
		},
	],
	law: [
		{
			label: 'Consultation Request',
			weight: 4,
			channels: ['phone'],
			vars: {
				matter: [
					'a divorce and custody arrangement',
					'updating my will after my father passed',
					'setting up a trust for my children',
					'a dispute with my landlord over the security deposit',
					'forming an LLC for my bakery',
				],
			},
			turns: [
				'Hello, I need help with {matter}.',
				'I can help you schedule a consultation. A 30-minute consultation is $150. May I have your name?',
				"It's {full}.",
				'Thank you. Would you prefer to meet in person or over Zoom?',
				'Zoom, please. {day} afternoon if possible.',
				"I've requested {day} at {time} over Zoom. Our paralegal will confirm by email.",
			],
			summary:
				'{full} requested a consultation about {matter}; Zoom on {day} at {time} pending confirmation.',
			duration: [100, 320],
		},
		{
			label: 'Message for Attorney',
			weight: 2,
			channels: ['phone'],
			turns: [
				'Hi, this is {full}. I am a client of Ms. Harper. Could you give her a message?',
				'Of course. What would you like me to pass along?',
				'Please tell her I signed the documents and dropped them off this morning.',
				"I'll let her know right away. Is this the best number to reach you?",
				'Yes, it is.',
			],
			summary:
				'Existing client {full} left a message for Ms. Harper: signed documents were dropped off.',
			duration: [45, 120],
		},
		{
			label: 'Callback Requested',
			weight: 2,
			channels: ['phone'],
			vars: {
				question: [
					'Do you take cases on contingency?',
					'Do you offer payment plans for the retainer?',
					'Can you help with a name change?',
					'Do you handle immigration paperwork?',
				],
			},
			turns: [
				'{question}',
				"That's a good question. I don't have that information, but I can have someone call you back.",
				'Please. My name is {full}.',
				'Thank you, {caller}. Someone from the office will call you today.',
			],
			summary: '{full} asked: "{question}" The agent could not answer; callback requested.',
			duration: [40, 100],
		},
		{
			label: 'Not a Fit',
			weight: 1,
			channels: ['phone'],
			turns: [
				'I was arrested last night and I need a lawyer.',
				"I'm sorry to hear that. Harper & Lee doesn't handle criminal cases, but we can refer you to a criminal defense attorney.",
				'Yes, please.',
				"I'll text you two referrals right now.",
			],
			summary:
				'Caller needed a criminal defense attorney; the firm does not handle criminal cases, referrals sent.',
			duration: [40, 90],
		},
	],
	hvac: [
		{
			label: 'Repair Request',
			weight: 3,
			vars: {
				issue: [
					'the furnace is blowing cold air',
					'the AC is running but not cooling',
					'the heat pump is making a grinding noise',
				],
			},
			turns: [
				'Hi, {issue}. Can you send someone?',
				'Sure. We service all major brands. What is your address?',
				'{address}.',
				'We can be there {day} between 8 and noon. Does that work?',
				'Yes. My name is {full}.',
				"You're booked, {caller}.",
			],
			summary: '{full} reported that {issue}; repair visit booked for {day} morning at {address}.',
			duration: [80, 220],
		},
		{
			label: 'Maintenance Plan',
			weight: 2,
			turns: [
				'What does your maintenance plan include?',
				'Two tune-ups a year and 15% off repairs, for $189 a year.',
				"I'll think about it. Thanks.",
			],
			summary: 'Caller asked about the maintenance plan; did not sign up.',
			duration: [30, 90],
		},
	],
	vet: [
		{
			label: 'Appointment Request',
			weight: 4,
			vars: {
				pet: ['my puppy Biscuit', 'my cat Luna', 'our dog Max', 'my rabbit Clover'],
				reason: ['vaccines', 'a wellness exam', 'an ear infection', 'a limp'],
			},
			turns: [
				'Hi, I need to bring in {pet} for {reason}.',
				'We can help with that. Would {day} at {time} work?',
				'Yes, perfect. My name is {full}.',
				"You're all set for {day} at {time}, {caller}. Please bring any previous records.",
			],
			summary: '{full} booked {pet} for {reason} on {day} at {time}.',
			duration: [60, 180],
		},
		{
			label: 'Pet Emergency',
			weight: 2,
			channels: ['phone'],
			vars: {
				issue: [
					'my dog ate a chocolate bar',
					'my cat is breathing fast and hiding',
					'my dog got into rat poison',
				],
			},
			turns: [
				'Help, {issue}!',
				'Please go to the emergency animal hospital on 5th Street now; they are open 24/7. I will let them know you are coming.',
				'Okay, going now.',
			],
			summary: 'Emergency: {issue}. Caller {full} was sent to the 24/7 emergency animal hospital.',
			duration: [25, 70],
		},
		{
			label: 'Callback Requested',
			weight: 2,
			vars: {
				question: [
					'Do you offer boarding for cats over the holidays?',
					'Can you microchip my dog?',
					'Do you do laser therapy for arthritis?',
				],
			},
			turns: [
				'{question}',
				"I'm not sure. I'll have our front desk call you back.",
				'Thanks, this is {full}.',
			],
			summary: '{full} asked: "{question}" The agent did not know; callback requested.',
			duration: [30, 80],
		},
	],
	auto: [
		{
			label: 'Repair Request',
			weight: 3,
			channels: ['phone'],
			vars: {
				issue: [
					'the brakes are squeaking',
					'the check engine light is on',
					'the car pulls to the left',
					'the battery keeps dying',
				],
			},
			turns: [
				'Hi, {issue} on my 2017 Honda Civic.',
				'We can take a look. Can you drop it off {day} morning?',
				'Yes. Name is {full}.',
				"Great, {caller}. We'll see you {day} morning.",
			],
			summary: '{full} reported that {issue} (2017 Honda Civic); drop-off {day} morning.',
			duration: [50, 150],
		},
		{
			label: 'Status Check',
			weight: 2,
			channels: ['phone'],
			turns: [
				'Hi, is my car ready? This is {full}.',
				"Let me check. The technician is finishing up; it should be ready by {time}. We'll text you.",
				'Thanks.',
			],
			summary: '{full} asked whether their car was ready; told it should be ready by {time}.',
			duration: [25, 70],
		},
	],
};

const GENERIC: Scenario[] = [
	{
		label: 'Business Hours',
		weight: 2,
		turns: [
			'What are your hours on {day}?',
			"We're open from 8 in the morning until 5 in the afternoon on {day}.",
			'Thank you.',
		],
		summary: 'Caller asked about opening hours on {day}.',
		duration: [20, 60],
	},
	{
		label: 'Spam',
		weight: 1,
		channels: ['phone'],
		anonymous: true,
		turns: [
			"This is an important message about your vehicle's extended warranty. Press one to speak to an agent.",
			"This line is for {business} customers. I'll end the call now.",
		],
		summary: 'Robocall about an extended vehicle warranty. No action needed.',
		duration: [10, 35],
		endReasons: { phone: ['agent_ended'] },
	},
	{
		label: 'Wrong Number',
		weight: 1,
		channels: ['phone'],
		turns: [
			'Hi, is this the pizza place on Elm?',
			"No, you've reached {business}. Sorry about that!",
			'Oh, sorry.',
		],
		summary: 'Wrong number: caller was looking for a pizza restaurant.',
		duration: [12, 30],
	},
	{
		label: 'Hang-up',
		weight: 1,
		channels: ['phone'],
		anonymous: true,
		silent: true,
		turns: [],
		summary: 'Caller hung up before saying anything.',
		duration: [2, 8],
		endReasons: { phone: ['caller_hung_up'] },
	},
];

export function scenariosFor(kind: BusinessKind): Scenario[] {
	return [...SCENARIOS[kind], ...GENERIC];
}

const words = (text: string, separator = ' ') => text.split(separator);

export const FIRST_NAMES = words(
	'Sam Maria James Priya David Aisha Michael Elena Chris Fatima Daniel Grace Kevin ' +
		'Sofia Brian Mei Jason Olga Tyler Nadia Marcus Hannah Luis Yuki Robert Chloe ' +
		'Andre Leah Patrick Zoe Omar Emma Ethan Rosa Noah Isabel',
);
export const LAST_NAMES = words(
	'Johnson Garcia Patel Nguyen Smith Kim Brown Lopez Okafor Miller Chen Davis Rossi ' +
		"Wilson O'Brien Martinez Schmidt Anderson Taylor Haddad Moore Ivanova Jackson " +
		'White Sato Clark Lewis Walker',
);
export const STREETS = words(
	'Maple Ave, Oak Street, Elm Drive, Cedar Lane, Pine Court, Birch Road, ' +
		'Lakeview Blvd, Hillcrest Way, Willow Street, Sunset Drive, River Road, ' +
		'Park Place',
	', ',
);
export const TIMES = words(
	'8:30 AM, 9:00 AM, 10:15 AM, 11:00 AM, 1:30 PM, 2:45 PM, 3:30 PM, 4:15 PM',
	', ',
);

export const DAYS = ['Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];

export const AREA_CODES = ['217', '312', '415', '512', '617', '646', '702', '773', '818', '919'];

export const ORIGIN_PATHS = ['/', '/pricing', '/services', '/contact', '/about', '/book', '/faq'];

export const END_REASONS: Record<Channel, string[]> = {
	phone: ['caller_hung_up', 'caller_hung_up', 'agent_ended', 'call_transferred'],
	web_chat: ['visitor_ended', 'visitor_ended', 'inactivity_timeout'],
};

export const WEB_GREETING =
	"Hi there! I'm {agent}, the virtual assistant for {business}. How can I help?";
