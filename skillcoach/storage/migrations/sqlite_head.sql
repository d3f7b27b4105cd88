-- skillcoach schema at revision 0008
CREATE TABLE alembic_version (
	version_num VARCHAR(32) NOT NULL, 
	CONSTRAINT alembic_version_pkc PRIMARY KEY (version_num)
);

CREATE TABLE learners (
	id VARCHAR(64) NOT NULL, 
	name VARCHAR(200) NOT NULL, 
	weekly_minutes INTEGER NOT NULL, 
	goals JSON NOT NULL, 
	days JSON NOT NULL, 
	timezone VARCHAR(64) NOT NULL, 
	created_at DATETIME NOT NULL, lang VARCHAR(8), 
	PRIMARY KEY (id)
);

CREATE TABLE objective_state (
	learner_id VARCHAR(64) NOT NULL, 
	objective_id VARCHAR(160) NOT NULL, 
	p_mastery FLOAT NOT NULL, 
	responses INTEGER NOT NULL, 
	items JSON NOT NULL, 
	mastered_at DATETIME, 
	updated_at DATETIME NOT NULL, provisional_at DATETIME, kinds JSON, recheck JSON, lessons INTEGER DEFAULT '0' NOT NULL, stuck_sessions INTEGER DEFAULT '0' NOT NULL, review_misses INTEGER DEFAULT '0' NOT NULL, 
	PRIMARY KEY (learner_id, objective_id), 
	FOREIGN KEY(learner_id) REFERENCES learners (id)
);

CREATE TABLE review_cards (
	learner_id VARCHAR(64) NOT NULL, 
	objective_id VARCHAR(160) NOT NULL, 
	card JSON NOT NULL, 
	due DATETIME NOT NULL, 
	PRIMARY KEY (learner_id, objective_id), 
	FOREIGN KEY(learner_id) REFERENCES learners (id)
);

CREATE INDEX ix_review_cards_due ON review_cards (due);

CREATE TABLE sessions (
	id VARCHAR(64) NOT NULL, 
	learner_id VARCHAR(64) NOT NULL, 
	minutes INTEGER NOT NULL, 
	status VARCHAR(16) NOT NULL, 
	mode VARCHAR(16) NOT NULL, 
	started_at DATETIME NOT NULL, 
	ended_at DATETIME, 
	summary JSON NOT NULL, 
	tokens INTEGER NOT NULL, 
	PRIMARY KEY (id), 
	FOREIGN KEY(learner_id) REFERENCES learners (id)
);

CREATE INDEX ix_sessions_learner_id ON sessions (learner_id);

CREATE TABLE weekly_plans (
	id INTEGER NOT NULL, 
	learner_id VARCHAR(64) NOT NULL, 
	week VARCHAR(8) NOT NULL, 
	"plan" JSON NOT NULL, 
	narrative TEXT NOT NULL, 
	created_at DATETIME NOT NULL, 
	PRIMARY KEY (id), 
	FOREIGN KEY(learner_id) REFERENCES learners (id), 
	UNIQUE (learner_id, week)
);

CREATE INDEX ix_weekly_plans_learner_id ON weekly_plans (learner_id);

CREATE TABLE turns (
	id INTEGER NOT NULL, 
	session_id VARCHAR(64) NOT NULL, 
	number INTEGER NOT NULL, 
	trace_id VARCHAR(64) NOT NULL, 
	learner_input JSON NOT NULL, 
	record JSON NOT NULL, 
	tokens INTEGER NOT NULL, 
	llm_calls INTEGER NOT NULL, 
	created_at DATETIME NOT NULL, 
	PRIMARY KEY (id), 
	FOREIGN KEY(session_id) REFERENCES sessions (id), 
	UNIQUE (session_id, number)
);

CREATE INDEX ix_turns_session_id ON turns (session_id);

CREATE TABLE "attempts" (
	id INTEGER NOT NULL, 
	session_id VARCHAR(64) NOT NULL, 
	turn INTEGER NOT NULL, 
	learner_id VARCHAR(64) NOT NULL, 
	objective_id VARCHAR(160) NOT NULL, 
	item_id VARCHAR(200) NOT NULL, 
	response TEXT NOT NULL, 
	verdict VARCHAR(16) NOT NULL, 
	score FLOAT NOT NULL, 
	grader VARCHAR(64) NOT NULL, 
	mastery_before FLOAT NOT NULL, 
	mastery_after FLOAT NOT NULL, 
	created_at DATETIME NOT NULL, 
	mode VARCHAR(16) DEFAULT 'learn' NOT NULL, 
	details JSON, 
	disputed BOOLEAN DEFAULT 0 NOT NULL, 
	PRIMARY KEY (id), 
	FOREIGN KEY(learner_id) REFERENCES learners (id), 
	FOREIGN KEY(session_id) REFERENCES sessions (id), 
	UNIQUE (session_id, turn)
);

CREATE INDEX ix_attempts_learner_id ON attempts (learner_id);

CREATE INDEX ix_attempts_session_id ON attempts (session_id);

CREATE TABLE learner_misconceptions (
	learner_id VARCHAR(64) NOT NULL, 
	misconception_id VARCHAR(200) NOT NULL, 
	objective_id VARCHAR(160) NOT NULL, 
	item_id VARCHAR(200) NOT NULL, 
	feedback TEXT NOT NULL, 
	count INTEGER NOT NULL, 
	first_seen DATETIME NOT NULL, 
	last_seen DATETIME NOT NULL, 
	PRIMARY KEY (learner_id, misconception_id), 
	FOREIGN KEY(learner_id) REFERENCES learners (id)
);

CREATE TABLE session_leases (
	session_id VARCHAR(64) NOT NULL, 
	owner VARCHAR(200) NOT NULL, 
	host VARCHAR(200) NOT NULL, 
	pid INTEGER NOT NULL, 
	expires_at FLOAT NOT NULL, 
	PRIMARY KEY (session_id), 
	FOREIGN KEY(session_id) REFERENCES sessions (id)
);

CREATE TABLE web_accounts (
	learner_id VARCHAR(64) NOT NULL, 
	password_hash VARCHAR(255) NOT NULL, 
	operator BOOLEAN DEFAULT 0 NOT NULL, 
	created_at DATETIME NOT NULL, 
	PRIMARY KEY (learner_id), 
	FOREIGN KEY(learner_id) REFERENCES learners (id)
);

CREATE TABLE run_claims (
	job VARCHAR(64) NOT NULL, 
	period VARCHAR(32) NOT NULL, 
	holder VARCHAR(200) NOT NULL, 
	claimed_at DATETIME NOT NULL, 
	finished_at DATETIME, 
	PRIMARY KEY (job, period)
);

INSERT INTO alembic_version (version_num) VALUES ('0008');
