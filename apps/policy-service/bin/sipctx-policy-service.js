#!/usr/bin/env node
// Committed wrapper so npm can link the bin at install time; the code lives in the built dist/.
import '../dist/main.js';
