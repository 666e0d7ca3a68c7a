// Event-source mappings: the control plane hands them to mappings.h.

#include "control_plane_impl.h"

namespace sluice::lambda::detail {

common::Outcome<std::string> ControlPlaneImpl::create_event_source_mapping(const CreateMappingInput& input) {
  return mappings_.create(input);
}

common::Outcome<std::string> ControlPlaneImpl::get_event_source_mapping(std::string_view uuid) const {
  return mappings_.get(uuid);
}

common::Outcome<MappingPage> ControlPlaneImpl::list_event_source_mappings(const MappingFilter& filter) const {
  return mappings_.list(filter);
}

common::Outcome<std::string> ControlPlaneImpl::update_event_source_mapping(std::string_view uuid,
                                                                           const std::string& changes_json) {
  return mappings_.update(uuid, changes_json);
}

common::Outcome<std::string> ControlPlaneImpl::delete_event_source_mapping(std::string_view uuid) {
  return mappings_.remove(uuid);
}

}  // namespace sluice::lambda::detail
