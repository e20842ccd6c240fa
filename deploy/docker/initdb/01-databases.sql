-- One database per service; no service reads another's tables.
CREATE DATABASE duban_units;
CREATE DATABASE duban_tasks;
CREATE DATABASE duban_supervision;
