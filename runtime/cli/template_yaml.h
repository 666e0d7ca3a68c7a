#pragma once
// Reads a CloudFormation/SAM template, YAML or JSON, into a JSON value. Every scalar becomes a
// string (YAML does not say whether `30` is a number to a template's reader; the importer converts
// where a property wants a number), and the short forms of intrinsic functions become their long
// forms: `!Ref X` is {"Ref": "X"}, `!GetAtt A.B` is {"Fn::GetAtt": ["A", "B"]}, `!Sub s` is
// {"Fn::Sub": s}, any other `!Name v` is {"Fn::Name": v}.

#include <boost/json/fwd.hpp>

#include <string>

namespace sluice::cli {

// False with *error ("line L, column C: ...") when the file cannot be read or parsed.
bool read_template_document(const std::string& path, boost::json::value* document, std::string* error);

}  // namespace sluice::cli
