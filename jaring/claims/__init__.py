"""Claims for heirs: a reported death or work accident, what it entitles to (from the rules
engine, each line with its legal basis), the heirs and the payee, the documents of the file, and
the steps from the report to the santunan in the family's hands, on a service-level clock."""
