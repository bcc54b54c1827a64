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

/** An agent as served (its FAQ as entries), with what the generator needs to know of it. */
export interface AgentSeed extends Omit<AgentDetail, 'faq'> {
	faq: Array<[string, string]>;
	account: AccountName;
	kind: BusinessKind;
	/** Relative share of the account's conversations. */
	weight: number;
	/** Conversations only before this fraction of the seeded time span (a suspended agent went quiet). */
	activeUntil?: number;
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
	{
		account: 'A',
		kind: 'dental',
		weight: 3,
		id: 8,
		phone_number: '+15552220198',
		subscription_type: 'pro',
		agent_name: 'Max',
		voice: 'calm',
		greeting_message: 'Bright Smile Dental, this is Max. How can I help you today?',
		agent_goal: 'Book new-patient visits, answer insurance questions and route dental emergencies.',
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
	{
		account: 'A',
		kind: 'law',
		weight: 2,
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
	{
		account: 'A',
		kind: 'hvac',
		weight: 1,
		activeUntil: 0.5,
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
	{
		account: 'B',
		kind: 'vet',
		weight: 2,
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
	{
		account: 'B',
		kind: 'auto',
		weight: 1,
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
];

// ---------------------------------------------------------------------------------------------
// Conversation scenarios, as scripts: per business kind (and `generic`, for every kind), each
// scenario's header `# label; weight N; MIN-MAX s` (its share and duration) with optional
// `phone only`, `anonymous` (no caller details), `silent` (empty transcript, no recording) and
// `ends <end_reason>`; then `{name} option` lines (one option of a placeholder is drawn per
// conversation), the turns after the agent's greeting, and the summary. Placeholders: {agent},
// {business}, {caller}, {full}, {day}, {time}, {address} and the scenario's own.

export type Role = 'agent' | 'user';

export interface Scenario {
	label: string;
	weight: number;
	/** Channels it happens on (default both; web chat only where the agent has it). */
	channels?: Channel[];
	vars?: Record<string, string[]>;
	turns: Array<[Role, string]>;
	summary: string;
	/** Seconds. */
	duration: [number, number];
	endReasons?: { phone?: string[]; web_chat?: string[] };
	anonymous?: boolean;
	silent?: boolean;
}

const SCRIPTS = `
[plumbing]
# Emergency Repair; weight 4; 95-300 s
{problem} a pipe burst under the kitchen sink
{problem} the water heater is leaking all over the garage
{problem} the basement floor drain is backing up
{problem} water is coming through the ceiling under the upstairs bathroom
{problem} the main line to the street seems to be clogged
caller: Hi, {problem}. Can someone come out today?
agent: I'm sorry to hear that. We offer 24/7 emergency service. Can I get your name and the address?
caller: It's {full}, {address}.
agent: Thank you, {caller}. Have you been able to shut off the main water valve?
caller: Yes, I turned it off about ten minutes ago.
agent: Good. I've flagged this as urgent. A technician will call you back within 15 minutes with an arrival time.
caller: Great, thank you so much.
summary: {full} reported that {problem} at {address} and asked for same-day service. Flagged as urgent for a technician callback.

# Quote Request; weight 3; 80-240 s
{job} replacing a 50-gallon water heater
{job} repiping an older house
{job} installing a new kitchen faucet
{job} a sewer line camera inspection
caller: Hello, I'd like a quote for {job}.
agent: Happy to help. We give free estimates on every job. Is this for a home or a business?
caller: It's my home, at {address}.
agent: Got it. What days work best for an estimator to stop by?
caller: {day} morning would be ideal.
agent: I'll text you a booking link for {day} morning. Anything else I can help with?
caller: No, that's it. Thanks.
summary: {full} asked for a free estimate for {job} at {address}; prefers {day} morning. Booking link sent by SMS.

# Appointment Request; weight 3; 70-200 s
{job} drain cleaning
{job} a leaking toilet
{job} a garbage disposal that hums but does not spin
{job} low water pressure in the shower
caller: Hi, can I book someone for {job}?
agent: Of course. What day works for you?
caller: {day}, ideally around {time}.
agent: We have a technician available {day} at {time}. Can I confirm your name and address?
caller: {full}, {address}.
agent: You're booked for {day} at {time}. You'll get a confirmation text shortly.
summary: {full} booked a visit for {job} on {day} at {time} at {address}.

# Callback Requested; weight 2; 40-120 s
{question} Do you install tankless water heaters?
{question} Do you do backflow testing for commercial buildings?
{question} Can you work with my home warranty company?
{question} Do you offer senior discounts?
{question} Do you install water softeners?
caller: {question}
agent: I'm not sure about that. Let me have someone from the team call you back with an answer.
caller: Okay. My name is {full}.
agent: Thanks, {caller}. Someone will get back to you today.
summary: {full} asked: "{question}" The agent could not answer and promised a callback.


[dental]
# New Patient; weight 4; 90-260 s
{reason} a cleaning and checkup
{reason} a consultation about whitening
{reason} an Invisalign consultation
{reason} a checkup for my two kids
caller: Hi, I'm new to the area and I'd like to book {reason}.
agent: Welcome! We are accepting new patients. Do you have dental insurance?
caller: Yes, Delta Dental through my employer.
agent: Great, we are in network with Delta Dental PPO. Would {day} at {time} work?
caller: That works. My name is {full}.
agent: Perfect, {caller}. I'll text you the new-patient forms and a confirmation.
summary: New patient {full} booked {reason} for {day} at {time}; has Delta Dental PPO. Forms sent by SMS.

# Insurance Question; weight 2; 35-110 s
{insurer} Cigna DHMO
{insurer} MetLife
{insurer} Guardian
{insurer} Humana Dental
{insurer} Medicaid
caller: Do you take {insurer}?
agent: I know we're in network with Delta Dental PPO, but I'm not certain about {insurer}. I'll ask our billing team to call you.
caller: Okay, please do. This is {full}.
agent: Thank you, {caller}. Expect a call within one business day.
summary: {full} asked whether the practice accepts {insurer}. The agent did not know and requested a billing callback.

# Dental Emergency; weight 2; 70-180 s
{issue} a cracked molar
{issue} a lost filling
{issue} a bad toothache since last night
{issue} a swollen jaw
caller: Hi, I have {issue} and it really hurts. Can I be seen today?
agent: I'm sorry you're in pain. We keep same-day slots for emergencies. Can you come in at {time}?
caller: Yes, I can.
agent: Great. May I have your name and date of birth?
caller: {full}, March 4th, 1988.
agent: You're booked for today at {time}, {caller}. If the swelling gets worse, go to urgent care.
summary: {full} called with {issue} and was booked into a same-day emergency slot at {time}.

# Reschedule; weight 2; 50-140 s
caller: I need to move my appointment on {day}.
agent: No problem. Can I have your name?
caller: {full}.
agent: I see your appointment. Would the following week, same time, work?
caller: Yes, that works.
agent: Done. You'll get an updated confirmation by text.
summary: {full} moved their {day} appointment to the following week.


[law]
# Consultation Request; weight 4; 100-320 s; phone only
{matter} a divorce and custody arrangement
{matter} updating my will after my father passed
{matter} setting up a trust for my children
{matter} a dispute with my landlord over the security deposit
{matter} forming an LLC for my bakery
caller: Hello, I need help with {matter}.
agent: I can help you schedule a consultation. A 30-minute consultation is $150. May I have your name?
caller: It's {full}.
agent: Thank you. Would you prefer to meet in person or over Zoom?
caller: Zoom, please. {day} afternoon if possible.
agent: I've requested {day} at {time} over Zoom. Our paralegal will confirm by email.
summary: {full} requested a consultation about {matter}; Zoom on {day} at {time} pending confirmation.

# Message for Attorney; weight 2; 45-120 s; phone only
caller: Hi, this is {full}. I am a client of Ms. Harper. Could you give her a message?
agent: Of course. What would you like me to pass along?
caller: Please tell her I signed the documents and dropped them off this morning.
agent: I'll let her know right away. Is this the best number to reach you?
caller: Yes, it is.
summary: Existing client {full} left a message for Ms. Harper: signed documents were dropped off.

# Callback Requested; weight 2; 40-100 s; phone only
{question} Do you take cases on contingency?
{question} Do you offer payment plans for the retainer?
{question} Can you help with a name change?
{question} Do you handle immigration paperwork?
caller: {question}
agent: That's a good question. I don't have that information, but I can have someone call you back.
caller: Please. My name is {full}.
agent: Thank you, {caller}. Someone from the office will call you today.
summary: {full} asked: "{question}" The agent could not answer; callback requested.

# Not a Fit; weight 1; 40-90 s; phone only
caller: I was arrested last night and I need a lawyer.
agent: I'm sorry to hear that. Harper & Lee doesn't handle criminal cases, but we can refer you to a criminal defense attorney.
caller: Yes, please.
agent: I'll text you two referrals right now.
summary: Caller needed a criminal defense attorney; the firm does not handle criminal cases, referrals sent.


[hvac]
# Repair Request; weight 3; 80-220 s
{issue} the furnace is blowing cold air
{issue} the AC is running but not cooling
{issue} the heat pump is making a grinding noise
caller: Hi, {issue}. Can you send someone?
agent: Sure. We service all major brands. What is your address?
caller: {address}.
agent: We can be there {day} between 8 and noon. Does that work?
caller: Yes. My name is {full}.
agent: You're booked, {caller}.
summary: {full} reported that {issue}; repair visit booked for {day} morning at {address}.

# Maintenance Plan; weight 2; 30-90 s
caller: What does your maintenance plan include?
agent: Two tune-ups a year and 15% off repairs, for $189 a year.
caller: I'll think about it. Thanks.
summary: Caller asked about the maintenance plan; did not sign up.


[vet]
# Appointment Request; weight 4; 60-180 s
{pet} my puppy Biscuit
{pet} my cat Luna
{pet} our dog Max
{pet} my rabbit Clover
{reason} vaccines
{reason} a wellness exam
{reason} an ear infection
{reason} a limp
caller: Hi, I need to bring in {pet} for {reason}.
agent: We can help with that. Would {day} at {time} work?
caller: Yes, perfect. My name is {full}.
agent: You're all set for {day} at {time}, {caller}. Please bring any previous records.
summary: {full} booked {pet} for {reason} on {day} at {time}.

# Pet Emergency; weight 2; 25-70 s; phone only
{issue} my dog ate a chocolate bar
{issue} my cat is breathing fast and hiding
{issue} my dog got into rat poison
caller: Help, {issue}!
agent: Please go to the emergency animal hospital on 5th Street now; they are open 24/7. I will let them know you are coming.
caller: Okay, going now.
summary: Emergency: {issue}. Caller {full} was sent to the 24/7 emergency animal hospital.

# Callback Requested; weight 2; 30-80 s
{question} Do you offer boarding for cats over the holidays?
{question} Can you microchip my dog?
{question} Do you do laser therapy for arthritis?
caller: {question}
agent: I'm not sure. I'll have our front desk call you back.
caller: Thanks, this is {full}.
summary: {full} asked: "{question}" The agent did not know; callback requested.


[auto]
# Repair Request; weight 3; 50-150 s; phone only
{issue} the brakes are squeaking
{issue} the check engine light is on
{issue} the car pulls to the left
{issue} the battery keeps dying
caller: Hi, {issue} on my 2017 Honda Civic.
agent: We can take a look. Can you drop it off {day} morning?
caller: Yes. Name is {full}.
agent: Great, {caller}. We'll see you {day} morning.
summary: {full} reported that {issue} (2017 Honda Civic); drop-off {day} morning.

# Status Check; weight 2; 25-70 s; phone only
caller: Hi, is my car ready? This is {full}.
agent: Let me check. The technician is finishing up; it should be ready by {time}. We'll text you.
caller: Thanks.
summary: {full} asked whether their car was ready; told it should be ready by {time}.


[generic]
# Business Hours; weight 2; 20-60 s
caller: What are your hours on {day}?
agent: We're open from 8 in the morning until 5 in the afternoon on {day}.
caller: Thank you.
summary: Caller asked about opening hours on {day}.

# Spam; weight 1; 10-35 s; phone only; anonymous; ends agent_ended
caller: This is an important message about your vehicle's extended warranty. Press one to speak to an agent.
agent: This line is for {business} customers. I'll end the call now.
summary: Robocall about an extended vehicle warranty. No action needed.

# Wrong Number; weight 1; 12-30 s; phone only
caller: Hi, is this the pizza place on Elm?
agent: No, you've reached {business}. Sorry about that!
caller: Oh, sorry.
summary: Wrong number: caller was looking for a pizza restaurant.

# Hang-up; weight 1; 2-8 s; phone only; anonymous; silent; ends caller_hung_up
summary: Caller hung up before saying anything.
`;

function parseScripts(text: string): Record<BusinessKind | 'generic', Scenario[]> {
	const kinds: Record<string, Scenario[]> = {};
	let list: Scenario[] = [];
	let scenario!: Scenario;
	for (const line of text.split('\n').filter(Boolean)) {
		const [, tag, rest] = /^(\[\w+\]|#|\{\w+\}|caller:|agent:|summary:) ?(.*)$/.exec(line)!;
		if (tag.startsWith('[')) kinds[tag.slice(1, -1)] = list = [];
		else if (tag === '#') {
			const [label, weight, seconds, ...flags] = rest.split('; ');
			const duration = seconds.split(/[- ]/).slice(0, 2).map(Number) as [number, number];
			scenario = { label, weight: Number(weight.slice(7)), turns: [], summary: '', duration };
			list.push(scenario);
			for (const flag of flags) {
				if (flag === 'phone only') scenario.channels = ['phone'];
				else if (flag === 'anonymous' || flag === 'silent') scenario[flag] = true;
				else scenario.endReasons = { phone: [flag.slice(5)] };
			}
		} else if (tag.startsWith('{')) ((scenario.vars ??= {})[tag.slice(1, -1)] ??= []).push(rest);
		else if (tag === 'summary:') scenario.summary = rest;
		else scenario.turns.push([tag === 'caller:' ? 'user' : 'agent', rest]);
	}
	return kinds as Record<BusinessKind | 'generic', Scenario[]>;
}

const SCENARIOS = parseScripts(SCRIPTS);

export function scenariosFor(kind: BusinessKind): Scenario[] {
	return [...SCENARIOS[kind], ...SCENARIOS.generic];
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
