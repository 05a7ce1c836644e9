-- First start of the postgres service: one database for Label Studio, one for the CRM export.
CREATE DATABASE labelstudio;
CREATE DATABASE cardloop_crm;
